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
/// practice zone America/New_York) serving one HealthcareService, empty calendars, 500 proposals; the answer made by
/// the engine and written as the HTTP door writes compact JSON. Mean and allocations are per answer; on a shared
/// machine compare the process CPU per answer the run prints (<c>// CPU per answer: … ms</c>, after 50 answers of warm-up).
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

    [GlobalSetup]
    public void Setup()
    {
        _folder = BenchmarkEngine.NewFolder();
        _services = BenchmarkEngine.Services(new SqliteStoreOptions { Path = Path.Combine(_folder, "fhir.db") })
            .AddScheduling(new SchedulingOptions(), "America/New_York")
            .BuildServiceProvider();
        _engine = _services.GetRequiredService<FhirEngine>();
        var service = Create($$"""{"resourceType":"HealthcareService","name":"Bench clinic","type":[{{ServiceType}}]}""");
        for (var i = 0; i < Providers; i++)
        {
            var practitioner = Create("""{"resourceType":"Practitioner","name":[{"family":"Bench"}]}""");
            Create($$$"""
                {"resourceType":"Schedule","actor":[{"reference":"{{{practitioner}}}"}],"serviceType":[{{{ServiceType}}}],"extension":[
                 {"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]},
                 {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":30}]}]}
                """);
        }
        var from = DateTime.UtcNow.Date.AddDays(1);
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
        var body = response.Searchset is { } searchset ? searchset.ToJson() : ResourceSerializer.ToJsonBytes(response.ToResource()!);
        return body.Length;
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
