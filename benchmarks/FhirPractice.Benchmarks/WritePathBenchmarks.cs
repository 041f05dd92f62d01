using System.Text;
using BenchmarkDotNet.Attributes;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirPractice.Benchmarks;

/// <summary>The CPU work of one create, step by step, for a typical Patient.</summary>
[MemoryDiagnoser]
public class WritePathBenchmarks
{
    private static readonly byte[] PatientJson = Encoding.UTF8.GetBytes("""
        {"resourceType":"Patient","identifier":[{"system":"urn:oid:1.2.36.146.595.217.0.1","value":"12345"}],"active":true,
         "name":[{"use":"official","family":"Chalmers","given":["Peter","James"]}],"telecom":[{"system":"phone","value":"(03) 5555 6473","use":"work"}],
         "gender":"male","birthDate":"1974-12-25","address":[{"use":"home","line":["534 Erewhon St"],"city":"PleasantVille","state":"Vic","postalCode":"3999"}]}
        """);

    private readonly SearchIndexer _indexer = new(new SearchParameterRegistry());
    private Resource _patient = null!;
    private byte[] _template = null!;

    [GlobalSetup]
    public void Setup()
    {
        _patient = ResourceSerializer.ParseJson(PatientJson);
        MetaStamp.SetPlaceholders(_patient);
        _template = ResourceSerializer.ToJsonBytes(_patient);
    }

    [Benchmark] public Resource Parse() => ResourceSerializer.ParseJson(PatientJson);
    [Benchmark] public int Index() => _indexer.Index(_patient).Count;
    [Benchmark] public byte[] Serialize() => ResourceSerializer.ToJsonBytes(_patient);
    [Benchmark] public byte[] Stamp() => MetaStamp.Stamp(_template, 2, DateTimeOffset.UnixEpoch);
}
