using BenchmarkDotNet.Attributes;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Security.Audit;
using Hl7.Fhir.Model;

namespace FhirPractice.Benchmarks;

/// <summary>The CPU work of recording one write in the audit trail, step by step: the AuditEvent built, indexed, serialised.</summary>
[MemoryDiagnoser]
public class AuditRecordBenchmarks
{
    private readonly SearchIndexer _indexer = new(new SearchParameterRegistry());
    private readonly BalpAuditEvents _events = new(new AuditOptions());
    private InteractionContext _context = null!;
    private AuditEvent _event = null!;
    private Provenance _provenance = null!;

    [GlobalSetup]
    public void Setup()
    {
        var request = new FhirRequest("POST", "", []) { Caller = new FhirCaller { Door = "http", ClientId = "scheduler-app", Subject = "user-1", FhirUser = "Practitioner/p1", RemoteAddress = "10.0.0.8" }, BaseUrl = "http://localhost/fhir", RequestId = "req-1" };
        _context = new InteractionContext(request, new RestfulInteraction("transaction"));
        _event = Build();
        MetaStamp.SetPlaceholders(_event);
        _provenance = new Provenance
        {
            Id = ResourcePreparer.NewId(),
            Target = [new ResourceReference("Appointment/abc/_history/1")],
            Recorded = DateTimeOffset.UtcNow,
            Activity = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE"),
            Agent = [new Provenance.AgentComponent { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author"), Who = new ResourceReference("Practitioner/p1") }],
        };
        MetaStamp.SetPlaceholders(_provenance);
    }

    [Benchmark] public AuditEvent Build() => _events.Interaction(_context, DateTimeOffset.UtcNow, ["Appointment/abc/_history/1"], "pat-1", withQuery: false, "POST");
    [Benchmark] public int IndexEvent() => _indexer.Index(_event).Count;
    [Benchmark] public byte[] SerializeEvent() => ResourceSerializer.ToJsonBytes(_event);
    [Benchmark] public int IndexProvenance() => _indexer.Index(_provenance).Count;
    [Benchmark] public byte[] SerializeProvenance() => ResourceSerializer.ToJsonBytes(_provenance);
}
