using FhirPractice.Fhir.Tests;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>Every message of the shared corpus maps without error: a transaction with the patient and the message's Provenance.</summary>
public class CorpusMappingTests
{
    private const string Folder = "hl7v2-ms-fhir-converter/messages";

    public static TheoryData<string> Messages() => CorpusRoundTripTests.Messages();

    [CorpusTheory(Folder)]
    [MemberData(nameof(Messages))]
    public async Task Message_maps(string file)
    {
        var message = Er7Parser.Parse(File.ReadAllBytes(Path.Combine(Corpus.Find(Folder)!, file)));
        var type = $"{message.Get("MSH-9-1")}^{message.Get("MSH-9-2")}";
        var mapper = new V2ToFhirMapper();

        Assert.Contains(type, V2ToFhirMapper.SupportedTypes);
        var result = await mapper.MapAsync(message, new FakeFhirLookup());

        var bundle = result.Transaction;
        Assert.Equal(Hl7.Fhir.Model.Bundle.BundleType.Transaction, bundle.Type);
        Assert.Single(bundle.Entry, e => e.Resource is Hl7.Fhir.Model.Provenance);
        Assert.Contains(bundle.Entry, e => e.Resource is Hl7.Fhir.Model.Patient);
    }
}
