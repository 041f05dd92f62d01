using FhirPractice.Fhir.Tests;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>
/// Every message of the shared corpus maps without error, or — only for a message type the mappings do not
/// cover — is refused with code 200 (AR). Which types those are is asserted too, so that the list in the
/// README cannot drift from the code.
/// </summary>
public class CorpusMappingTests
{
    private const string Folder = "hl7v2-ms-fhir-converter/messages";

    public static TheoryData<string> Messages() => CorpusRoundTripTests.Messages();

    [CorpusTheory(Folder)]
    [MemberData(nameof(Messages))]
    public async Task Message_maps_or_is_refused_as_unsupported(string file)
    {
        var message = Er7Parser.Parse(File.ReadAllBytes(Path.Combine(Corpus.Find(Folder)!, file)));
        var type = $"{message.Get("MSH-9-1")}^{message.Get("MSH-9-2")}";
        var mapper = new V2ToFhirMapper();

        if (!V2ToFhirMapper.SupportedTypes.Contains(type))
        {
            var refused = await Assert.ThrowsAsync<MappingException>(() => mapper.MapAsync(message, new FakeFhirLookup()));
            Assert.Equal("200", refused.Error.Code);
            Assert.True(refused.Reject);
            return;
        }
        var result = await mapper.MapAsync(message, new FakeFhirLookup());

        var bundle = result.Transaction;
        Assert.Equal(Hl7.Fhir.Model.Bundle.BundleType.Transaction, bundle.Type);
        Assert.Single(bundle.Entry, e => e.Resource is Hl7.Fhir.Model.Provenance);
        Assert.Contains(bundle.Entry, e => e.Resource is Hl7.Fhir.Model.Patient);
    }
}
