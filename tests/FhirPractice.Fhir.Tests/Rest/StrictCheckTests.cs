using System.Net;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Tests.Rest;

/// <summary><see cref="ResourceSerializer.CheckStrict"/> refuses what the strict parse of the same resource's JSON refuses, naming the same elements.</summary>
public sealed class StrictCheckTests
{
    private static Bundle Transaction(Patient patient) => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry = [new Bundle.EntryComponent { FullUrl = "urn:uuid:0d0c6a35-5f3e-4bb8-9a3c-4b5e3c1b2a10", Resource = patient, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } }],
    };

    public static TheoryData<string, Patient> Invalid() => new()
    {
        { "Bundle.entry[0].resource.birthDate", new Patient { BirthDateElement = new Date("19610615") } },
        { "Bundle.entry[0].resource.name[0].family", new Patient { Name = [new HumanName { Family = "" }] } },
        { "Bundle.entry[0].resource.telecom[0].rank", new Patient { Telecom = [new ContactPoint { Value = "555", Rank = -1 }] } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void A_value_the_strict_parse_refuses_is_a_400_naming_its_element(string element, Patient patient)
    {
        var bundle = Transaction(patient);
        var parsed = Assert.Throws<FhirError>(() => ResourceSerializer.ParseJson(ResourceSerializer.ToJsonBytes(bundle)));
        var checkedInMemory = Assert.Throws<FhirError>(() => ResourceSerializer.CheckStrict(bundle));

        Assert.Equal(HttpStatusCode.BadRequest, checkedInMemory.Status);
        Assert.Contains(element, checkedInMemory.Outcome.Issue.SelectMany(i => i.Expression));
        Assert.Equal(parsed.Outcome.Issue.SelectMany(i => i.Expression), checkedInMemory.Outcome.Issue.SelectMany(i => i.Expression));
    }

    [Fact]
    public void A_valid_resource_passes_and_an_empty_element_is_left_to_the_serialiser_as_before()
    {
        var bundle = Transaction(new Patient
        {
            Name = [new HumanName { Family = "Everyman", Given = ["Adam"] }],
            BirthDateElement = new Date("1961-06-15"),
            Address = [new Address()],
        });

        ResourceSerializer.CheckStrict(bundle);
        ResourceSerializer.ParseJson(ResourceSerializer.ToJsonBytes(bundle)); // the JSON round trip accepted it too
    }
}
