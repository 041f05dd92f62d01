using FhirPractice.LoadHarness;

// One executable, several modes; run-load.sh and durability.sh call them in turn.
var options = CommandLineOptions.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "bare-kestrel" => await BareKestrel.RunAsync(options),
    "free-port" => FreePort.Print(),
    "seed-patients" => await PatientSeeder.RunAsync(options),
    "ingest" => await SyntheaIngest.RunAsync(options),
    "durability-writers" => await DurabilityWriters.RunAsync(options),
    "check-ids" => await AcknowledgedIdCheck.RunAsync(options),
    "seed-appointments" => await AppointmentSeeder.RunAsync(options),
    "search-queries" => await SearchData.RunAsync(options),
    "mllp-load" => await MllpLoad.LoadAsync(options),
    "mllp-bare" => await MllpLoad.BareAsync(options),
    "mllp-stream" => await MllpLoad.StreamAsync(options),
    "check-mllp" => await MllpLoad.CheckAsync(options),
    "scheduling-load" => await SchedulingLoad.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: FhirPractice.LoadHarness MODE [--key value ...]
          bare-kestrel       --port P --file F --content-type T   serve F's bytes to every GET
          free-port                                               print a free loopback port
          seed-patients      --base URL --patient F --count N --ids-out F --sample-out F --content-type-out F
          ingest             --base URL --corpus DIR --resources N --workers W [--max-seconds S] [--prefer P] [--distinct-names true]
          durability-writers --base URL --patient F --workers W --log F [--max-seconds S]
          check-ids          --base URL --ids F [--workers W]
          seed-appointments  --base URL --count N --queries-out F
          search-queries     --base URL --out DIR [--count N]
          mllp-load          --port P [--connections C] [--seconds S] [--warmup W] [--server-pid PID]   ADT^A08 messages/s, ACK latency, server CPU a message
          mllp-bare          --port P                                     parse and answer AA, store nothing (the ceiling)
          mllp-stream        --port P --log F [--connections C] [--max-seconds S]   log every AA'd control id
          check-mllp         --base URL --log F                           every logged id mapped, its Patient there
          scheduling-load    --base URL [--providers 20] [--days 30] [--book-days 365] [--race-percent 10] [--workers 16] [--seconds 20] [--warmup 0] [--server-pid PID]   $book/s, $find p99, overlaps
        """);
    return 2;
}
