using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Tests.Rest;

public sealed class PreparedResourceTests
{
    private static PreparedResource Prepared(Patient patient, string id)
    {
        MetaStamp.SetPlaceholders(patient);
        return new() { Type = "Patient", Id = id, Resource = patient, Template = ResourceSerializer.ToJsonBytes(patient), Index = [] };
    }

    [Fact]
    public void The_write_carries_the_resource_it_was_serialised_from_for_the_hooks()
    {
        var patient = new Patient { Id = "a" };
        var write = Prepared(patient, "a").ToWrite(1, DateTimeOffset.UnixEpoch, "POST");
        Assert.Same(patient, write.Parsed);
        Assert.Same(patient, write.Resource());
    }

    [Fact]
    public void A_resource_prepared_again_under_another_id_is_not_handed_on_and_the_hooks_read_the_bytes()
    {
        var patient = new Patient { Id = "a" };
        var first = Prepared(patient, "a");
        patient.Id = "b"; // the same object, prepared for a second entry
        var write = first.ToWrite(1, DateTimeOffset.UnixEpoch, "POST");
        Assert.Null(write.Parsed);
        Assert.Equal("a", write.Resource().Id);
    }
}
