using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FhirPractice.LoadHarness;

/// <summary>
/// Scheduling load: creates <c>--providers</c> Practitioners with a Schedule each (weekdays 09:00–17:00 in the server's
/// practice zone, 30-minute visits) and 1,000 Patients; then <c>--workers</c> clients <c>$book</c> random times of the
/// providers' <c>$find</c> grid within <c>--book-days</c> that no booking has taken yet, for random patients, with
/// <c>--race-percent</c> of the requests racing another client for the time it is booking (<see cref="BookableTimes"/>),
/// for <c>--seconds</c>, counting bookings/s and 409s, alternating with a bare baseline (the same Appointment and Slot as a
/// plain transaction); then <c>Appointment/$find</c> over <c>--days</c> days for random providers for as long, and
/// as long again over all the providers at once (one HealthcareService their Schedules serve by service type), with
/// latency p50/p99; last, it reads every booked Appointment of every provider (all pages) and checks that none overlap.
/// </summary>
public static class SchedulingLoad
{
    private const string Ext = "http://fhirpractice.org/fhir/StructureDefinition/scheduling-";
    private const string ServiceType = """{"coding":[{"system":"urn:fhirpractice:load","code":"visit"}]}""";

    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var providers = options.Number("providers", 20);
        var workers = options.Number("workers", 16);
        var seconds = options.Number("seconds", 20);
        var days = options.Number("days", 30);
        // A year: at the rates the server books, a shorter calendar runs out of free times within the phase.
        var bookDays = options.Number("book-days", 365);
        var racePercent = options.Number("race-percent", 10);
        var serverPid = options.Number("server-pid", 0);
        // Seconds of each phase's requests sent before it is measured: the server's JIT compiles and tiers up the phase's
        // code paths meanwhile, which would otherwise weigh on its CPU per request and latency.
        var warmup = options.Number("warmup", 0);
        // Which phases run (book, find, service-find; all by default): the $find phases alone skip the bookings, so their
        // calendars are empty, but an iteration on $find takes a third of the time.
        var phases = options.Text("phases", "book,find,service-find").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        if (phases.Except(["book", "find", "service-find"]).FirstOrDefault() is { } unknown) throw new ArgumentException($"unknown phase '{unknown}' (book, find, service-find)");
        using var client = LoopbackFhirClient.Create(options.Required("base"), workers, TimeSpan.FromMinutes(2));
        var from = DateTime.UtcNow.Date.AddDays(1);

        var service = await CreateAsync(client, $$"""{"resourceType":"HealthcareService","name":"Load clinic","type":[{{ServiceType}}]}""");
        var practitioners = new List<string>();
        var schedules = new List<string>();
        for (var i = 0; i < providers; i++)
        {
            practitioners.Add(await CreateAsync(client, """{"resourceType":"Practitioner","name":[{"family":"Load"}]}"""));
            schedules.Add(await CreateAsync(client, $$$"""
                {"resourceType":"Schedule","actor":[{"reference":"{{{practitioners[^1]}}}"}],"serviceType":[{{{ServiceType}}}],"extension":[
                 {"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]},
                 {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":30}]}]}
                """));
        }
        var patients = new List<string>();
        for (var i = 0; i < 1000; i++) patients.Add(await CreateAsync(client, """{"resourceType":"Patient","name":[{"family":"Load"}]}"""));

        // Candidate times come from $find per provider over the booking range, so every request is inside the hours; a month
        // at a time, as a month's ~350 visits fit in one answer of 500.
        var times = new List<(string Schedule, string Start, string End)>();
        foreach (var schedule in schedules)
            for (var d = 0; d < bookDays; d += 30)
                foreach (var entry in (await GetJsonAsync(client, $"Appointment/$find?schedule={schedule}&start={from.AddDays(d):yyyy-MM-dd}&end={from.AddDays(Math.Min(d + 30, bookDays)):yyyy-MM-dd}&_count=500"))["entry"]?.AsArray() ?? [])
                    times.Add((schedule, (string)entry!["resource"]!["start"]!, (string)entry["resource"]!["end"]!));

        var errors = new ConcurrentBag<string>();
        // The bare baseline, measured in the same run: the same resources $book writes (the Appointment and its Slot, in
        // one transaction from the client), in statuses that take no time (proposed, free), so the occupancy hook files
        // nothing and no operation runs. The two alternate in slices of two seconds, so a neighbour's build that starts
        // or stops weighs on both alike: their ratio travels across machines, the absolute figures do not.
        Func<string, string, string, string, string> bareBody = (schedule, start, end, patient) => $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{{{AppointmentJson(schedule, start, end, patient)}}},"request":{"method":"POST","url":"Appointment"}},
             {"resource":{"resourceType":"Slot","status":"free","schedule":{"reference":"{{{schedule}}}"},"start":"{{{start}}}","end":"{{{end}}}"},"request":{"method":"POST","url":"Slot"}}]}
            """;
        Func<string, string, string, string, string> bookBody = (schedule, start, end, patient) => $$$"""
            {"resourceType":"Parameters","parameter":[{"name":"appointment","resource":{{{AppointmentJson(schedule, start, end, patient)}}}}]}
            """;
        var pool = new BookableTimes(times, workers, racePercent);
        var bare = new WriteMeasure("", bareBody, books: false);
        var book = new WriteMeasure("Appointment/$book", bookBody, books: true);
        if (phases.Contains("book"))
        {
            if (warmup > 0)
            {
                Console.Error.WriteLine($"warm-up (not measured): the bare baseline and $book, {warmup} s each");
                var (warmBare, warmBook) = (new WriteMeasure("", bareBody, books: false), new WriteMeasure("Appointment/$book", bookBody, books: true));
                for (var slice = 0; slice * SliceSeconds < warmup; slice++)
                    foreach (var measure in new[] { warmBare, warmBook })
                        await measure.RunAsync(client, workers, Math.Min(SliceSeconds, warmup - slice * SliceSeconds), -1 - slice, pool, patients, errors, serverPid);
            }
            Console.Error.WriteLine($"phase: the bare baseline and $book, alternating, {seconds} s each");
            for (var slice = 0; slice * SliceSeconds < seconds; slice++)
                foreach (var measure in new[] { bare, book })
                    await measure.RunAsync(client, workers, Math.Min(SliceSeconds, seconds - slice * SliceSeconds), slice, pool, patients, errors, serverPid);
        }

        Func<Random, string> providerFind = random => $"Appointment/$find?schedule={schedules[random.Next(schedules.Count)]}&start={from:yyyy-MM-dd}&end={from.AddDays(days):yyyy-MM-dd}&_count=500";
        Func<Random, string> serviceFind = _ => $"Appointment/$find?healthcare-service={service}&start={from:yyyy-MM-dd}&end={from.AddDays(days):yyyy-MM-dd}&_count=500";
        var (finds, findLatency, findSeconds, findCpu) = phases.Contains("find") ? await WarmedFindAsync(providerFind) : default;
        var (serviceFinds, serviceLatency, serviceSeconds, serviceCpu) = phases.Contains("service-find") ? await WarmedFindAsync(serviceFind) : default;

        async Task<(int, LatencyRecorder, double, string)> WarmedFindAsync(Func<Random, string> url)
        {
            if (warmup > 0) await MeasureFindAsync(client, workers, warmup, errors, serverPid, url);
            return await MeasureFindAsync(client, workers, seconds, errors, serverPid, url);
        }

        var overlaps = 0;
        var checkedBookings = 0;
        foreach (var practitioner in practitioners)
        {
            var intervals = new List<(DateTimeOffset Start, DateTimeOffset End)>();
            for (string? page = $"Appointment?actor={practitioner}&status=booked&_count=1000"; page is not null;)
            {
                var bundle = await GetJsonAsync(client, page);
                intervals.AddRange((bundle["entry"]?.AsArray() ?? []).Select(e => (DateTimeOffset.Parse((string)e!["resource"]!["start"]!, CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse((string)e["resource"]!["end"]!, CultureInfo.InvariantCulture))));
                page = (string?)bundle["link"]?.AsArray().FirstOrDefault(l => (string?)l!["relation"] == "next")?["url"];
            }
            intervals.Sort();
            checkedBookings += intervals.Count;
            overlaps += intervals.Zip(intervals.Skip(1)).Count(p => p.First.End > p.Second.Start);
        }

        if (phases.Contains("book"))
        {
            Console.WriteLine($"bare baseline (the same Appointment + Slot as a client's transaction, proposed/free): {bare.PerSecond:F0} transactions/s, p50 {bare.Latency.Percentile(50):F1} ms, p99 {bare.Latency.Percentile(99):F1} ms; harness CPU {bare.HarnessCpu:P0} of the machine{bare.ServerCpuPerWrite}");
            Console.WriteLine($"$book: {book.PerSecond:F0} bookings/s, {book.RequestsPerSecond:F0} requests/s ({book.Ok} booked, {book.Conflicts} × 409, {pool.Races} requests racing another for its time), p50 {book.Latency.Percentile(50):F1} ms, p99 {book.Latency.Percentile(99):F1} ms; harness CPU {book.HarnessCpu:P0} of the machine{book.ServerCpuPerWrite}");
            Console.WriteLine($"$book to the bare baseline: {book.PerSecond / bare.PerSecond:F2} (bookings/s), {book.RequestsPerSecond / bare.PerSecond:F2} (requests/s)");
        }
        if (phases.Contains("find"))
            Console.WriteLine($"$find over {days} days, one of {providers} providers: {finds / findSeconds:F0}/s, p50 {findLatency!.Percentile(50):F1} ms, p99 {findLatency.Percentile(99):F1} ms{findCpu}");
        if (phases.Contains("service-find"))
            Console.WriteLine($"$find over {days} days, all {providers} providers (HealthcareService): {serviceFinds / serviceSeconds:F0}/s, p50 {serviceLatency!.Percentile(50):F1} ms, p99 {serviceLatency.Percentile(99):F1} ms{serviceCpu}");
        Console.WriteLine($"overlapping booked appointments: {overlaps} among {checkedBookings}; other answers: {errors.Count}{(errors.IsEmpty ? "" : " (first: " + errors.First() + ")")}");
        return overlaps == 0 && errors.IsEmpty ? 0 : 1;
    }

    private const int SliceSeconds = 2;

    /// <summary>
    /// One kind of write the workers POST (its body for a time and a random patient, to its path; a booking's time from
    /// the free ones, the bare baseline's any time of the grid),
    /// measured over several slices: 2xx and 409 answers, latencies, seconds, the share of the machine's CPU this
    /// harness used meanwhile (it runs on the same cores as the server) and, given the server's pid, the server's CPU
    /// time per request — steadier than requests/s on a machine whose other users take a varying share of the cores.
    /// </summary>
    private sealed class WriteMeasure(string path, Func<string, string, string, string, string> body, bool books)
    {
        private int _ok, _conflicts;
        private double _seconds;
        private TimeSpan _cpu, _serverCpu;

        public int Ok => _ok;
        public int Conflicts => _conflicts;
        public LatencyRecorder Latency { get; } = new();
        public double PerSecond => _ok / _seconds;
        public double RequestsPerSecond => (_ok + _conflicts) / _seconds;
        public double HarnessCpu => _cpu / (TimeSpan.FromSeconds(_seconds) * Environment.ProcessorCount);
        public string ServerCpuPerWrite => _serverCpu == TimeSpan.Zero ? "" : $"; server CPU {_serverCpu.TotalMilliseconds / (_ok + _conflicts):F2} ms a request";

        public async Task RunAsync(HttpClient client, int workers, int seconds, int slice, BookableTimes pool,
            List<string> patients, ConcurrentBag<string> errors, int serverPid)
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var serverBefore = ServerCpu.Of(serverPid);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
            {
                var random = new Random(slice * 1000 + worker);
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    var (time, (schedule, start, end)) = books ? pool.Next(random, worker) : (-1, pool.Any(random));
                    var content = LoopbackFhirClient.Json(Encoding.UTF8.GetBytes(body(schedule, start, end, patients[random.Next(patients.Count)])));
                    var sent = Stopwatch.GetTimestamp();
                    using var response = await client.PostAsync(path, content);
                    Latency.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    if (books) pool.Answered(worker, time, response.IsSuccessStatusCode);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref _ok);
                    else if (response.StatusCode == HttpStatusCode.Conflict) Interlocked.Increment(ref _conflicts);
                    else errors.Add($"POST {path}: {(int)response.StatusCode}: {await PatientSeeder.Snippet(response)}");
                }
            }));
            _seconds += clock.Elapsed.TotalSeconds;
            _cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            _serverCpu += ServerCpu.Of(serverPid) - serverBefore;
        }
    }

    /// <summary>A proposed Appointment, as $find proposes one: $book books it, a plain write of it takes no time.</summary>
    private static string AppointmentJson(string schedule, string start, string end, string patient) => $$$"""
        {"resourceType":"Appointment","status":"proposed","start":"{{{start}}}","end":"{{{end}}}",
         "extension":[{"url":"{{{Ext}}}schedule","valueReference":{"reference":"{{{schedule}}}"}}],
         "participant":[{"actor":{"reference":"{{{patient}}}"},"status":"accepted"}]}
        """;

    /// <summary>
    /// Runs $find with every worker for the given seconds; returns how many answered, their latencies, the seconds taken
    /// and a note of the server's CPU time per answer (steadier than answers/s on a shared machine; empty without a pid).
    /// </summary>
    private static async Task<(int Finds, LatencyRecorder Latency, double Seconds, string ServerCpu)> MeasureFindAsync(HttpClient client, int workers, int seconds,
        ConcurrentBag<string> errors, int serverPid, Func<Random, string> url)
    {
        var latency = new LatencyRecorder();
        var finds = 0;
        var serverBefore = ServerCpu.Of(serverPid);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            var random = new Random(1000 + worker);
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(url(random));
                await response.Content.ReadAsByteArrayAsync();
                latency.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref finds);
                else errors.Add($"$find {(int)response.StatusCode}");
            }
        }));
        var serverCpu = ServerCpu.Of(serverPid) - serverBefore;
        return (finds, latency, clock.Elapsed.TotalSeconds, serverPid <= 0 || finds == 0 ? "" : $"; server CPU {serverCpu.TotalMilliseconds / finds:F2} ms an answer");
    }

    private static async Task<string> CreateAsync(HttpClient client, string json)
    {
        var type = (string)JsonNode.Parse(json)!["resourceType"]!;
        using var response = await client.PostAsync(type, LoopbackFhirClient.Json(Encoding.UTF8.GetBytes(json)));
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"creating a {type}: {(int)response.StatusCode} {await PatientSeeder.Snippet(response)}");
        return $"{type}/{LoopbackFhirClient.IdFromLocation(response.Headers.Location)}";
    }

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{url}: {(int)response.StatusCode} {await PatientSeeder.Snippet(response)}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
