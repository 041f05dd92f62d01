using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling;
using FhirPractice.Storage.Sqlite;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Benchmarks;

/// <summary>
/// What one <c>Appointment/$find</c> over 30 days for all 20 providers costs the server (the case, as
/// <c>scheduling-load.sh</c>'s service-find phase asks it): 20 Schedules (weekdays 09:00–17:00, 30-minute visits,
/// practice zone America/New_York) serving one HealthcareService, 500 proposals; the answer made by
/// the engine and written as the HTTP door writes compact JSON. Mean and allocations are per answer; on a shared
/// machine compare the process CPU per answer the run prints (<c>// CPU per answer: … ms</c>, after 50 answers of warm-up).
/// <see cref="BookedPercent"/> of the visits in the 30 days are first booked through <c>$book</c> in random order, as
/// the load's bookings fill the calendars before its <c>$find</c> phases (12,000 of them over 90 days book about 60 %).
/// </summary>
[MemoryDiagnoser]
public class FindBenchmarks
{
    private const string Ext = "http://fhirpractice.org/fhir/StructureDefinition/scheduling-";
    private const string ServiceType = """{"coding":[{"system":"urn:fhirpractice:load","code":"visit"}]}""";
    private const int Providers = 20, Days = 30, Proposals = 500;

    private string _folder = null!;
    private ServiceProvider _services = null!;
    private FhirEngine _engine = null!;
    private FhirRequest _find = null!;
    private TimeSpan _cpuAtStart;
    private long _answers;
    /// <summary>Where an answer is written: reused, as the HTTP door writes into the response's pooled pipe.</summary>
    private readonly ArrayBufferWriter<byte> _output = new();

    [Params(0, 60)]
    public int BookedPercent { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = BenchmarkEngine.NewFolder();
        _services = BenchmarkEngine.Services(new SqliteStoreOptions { Path = Path.Combine(_folder, "fhir.db") })
            .AddScheduling(new SchedulingOptions(), "America/New_York")
            .BuildServiceProvider();
        _engine = _services.GetRequiredService<FhirEngine>();
        var service = Create($$"""{"resourceType":"HealthcareService","name":"Bench clinic","type":[{{ServiceType}}]}""");
        var schedules = new List<string>();
        for (var i = 0; i < Providers; i++)
        {
            var practitioner = Create("""{"resourceType":"Practitioner","name":[{"family":"Bench"}]}""");
            schedules.Add(Create($$$"""
                {"resourceType":"Schedule","actor":[{"reference":"{{{practitioner}}}"}],"serviceType":[{{{ServiceType}}}],"extension":[
                 {"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]},
                 {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":30}]}]}
                """));
        }
        var from = DateTime.UtcNow.Date.AddDays(1);
        Book(schedules, from);
        _find = new FhirRequest("GET", "Appointment/$find",
            [new("healthcare-service", service), new("start", $"{from:yyyy-MM-dd}"), new("end", $"{from.AddDays(Days):yyyy-MM-dd}"), new("_count", $"{Proposals}")]);
        var entries = (Find().GetAwaiter().GetResult().ToResource() as Bundle)?.Entry.Count;
        if (entries != Proposals) throw new InvalidOperationException($"$find proposed {entries} visits, not {Proposals}");
        for (var i = 0; i < 50; i++) FindAllProviders().GetAwaiter().GetResult();
        (_cpuAtStart, _answers) = (Process.GetCurrentProcess().TotalProcessorTime, 0);
    }

    /// <summary>The all-providers $find, answered and written as compact JSON.</summary>
    [Benchmark]
    public async Task<int> FindAllProviders()
    {
        var response = await Find();
        Interlocked.Increment(ref _answers);
        if (response.Searchset is not { } searchset) return ResourceSerializer.ToJsonBytes(response.ToResource()!).Length;
        _output.ResetWrittenCount();
        searchset.WriteJson(_output);
        return _output.WrittenCount;
    }

    /// <summary>Books <see cref="BookedPercent"/> of each Schedule's proposed visits in the 30 days, in a random order (a fixed seed), each for a patient of its own.</summary>
    private void Book(IReadOnlyList<string> schedules, DateTime from)
    {
        if (BookedPercent == 0) return;
        var visits = new List<(string Schedule, string Start, string End)>();
        foreach (var schedule in schedules)
        {
            var find = new FhirRequest("GET", "Appointment/$find", [new("schedule", schedule), new("start", $"{from:yyyy-MM-dd}"), new("end", $"{from.AddDays(Days):yyyy-MM-dd}"), new("_count", "1000")]);
            var proposals = (Bundle)Handle(find).ToResource()!;
            visits.AddRange(proposals.Entry.Select(e => (Appointment)e.Resource).Select(a => (schedule, a.Start!.Value.ToString("yyyy-MM-ddTHH:mm:sszzz"), a.End!.Value.ToString("yyyy-MM-ddTHH:mm:sszzz"))));
        }
        var random = new Random(7);
        foreach (var (schedule, start, end) in visits.OrderBy(_ => random.Next()).Take(visits.Count * BookedPercent / 100))
        {
            var patient = Create("""{"resourceType":"Patient","name":[{"family":"Bench"}]}""");
            var appointment = $$$"""
                {"resourceType":"Appointment","status":"proposed","start":"{{{start}}}","end":"{{{end}}}",
                 "extension":[{"url":"{{{Ext}}}schedule","valueReference":{"reference":"{{{schedule}}}"}}],
                 "participant":[{"actor":{"reference":"{{{patient}}}"},"status":"accepted"}]}
                """;
            Handle(new FhirRequest("POST", "Appointment/$book", [])
            {
                Body = Encoding.UTF8.GetBytes($$"""{"resourceType":"Parameters","parameter":[{"name":"appointment","resource":{{appointment}}}]}"""),
                BodyFormat = FhirFormat.Json,
            });
        }
    }

    private FhirResponse Handle(FhirRequest request)
    {
        var response = _engine.HandleAsync(request).GetAwaiter().GetResult();
        return (int)response.Status < 300 ? response
            : throw new InvalidOperationException($"{request.Method} {request.Path} answered {(int)response.Status}: {(response.Resource as OperationOutcome)?.Issue.FirstOrDefault()?.Diagnostics}");
    }

    private async Task<FhirResponse> Find()
    {
        var response = await _engine.HandleAsync(_find);
        return response.Status == HttpStatusCode.OK ? response
            : throw new InvalidOperationException($"$find answered {(int)response.Status}: {(response.Resource as OperationOutcome)?.Issue.FirstOrDefault()?.Diagnostics}");
    }

    private string Create(string json)
    {
        var type = json[(json.IndexOf("\"resourceType\":\"", StringComparison.Ordinal) + 16)..].Split('"')[0];
        var response = _engine.HandleAsync(new FhirRequest("POST", type, []) { Body = Encoding.UTF8.GetBytes(json), BodyFormat = FhirFormat.Json }).GetAwaiter().GetResult();
        return response is { Status: HttpStatusCode.Created, Record: { } record } ? $"{record.Type}/{record.Id}"
            : throw new InvalidOperationException($"POST {type} answered {(int)response.Status}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        Console.WriteLine($"// CPU per answer: {cpu.TotalMilliseconds / Math.Max(1, _answers):F2} ms ({_answers} answers, {cpu.TotalSeconds:F1} s CPU)");
        BenchmarkEngine.Remove(_services, _folder);
    }
}
