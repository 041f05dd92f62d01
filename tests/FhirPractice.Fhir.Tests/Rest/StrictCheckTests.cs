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

    private static Bundle Transaction(IEnumerable<Patient> patients) => new()
    {
        Type = Bundle.BundleType.Transaction,
        Entry = patients.Select(p => new Bundle.EntryComponent { Resource = p, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" } }).ToList(),
    };

    [Fact]
    public void A_bundle_of_many_entries_checked_in_parallel_names_the_same_elements_as_the_strict_parse()
    {
        var bundle = Transaction(Enumerable.Range(0, 20).Select(i => i switch
        {
            7 => new Patient { BirthDateElement = new Date("19610615") },
            13 => new Patient { Telecom = [new ContactPoint { Value = "555", Rank = -1 }] },
            _ => new Patient { Active = true },
        }));
        bundle.Entry[16].Request.Method = null; // the Bundle's own elements are checked too

        var parsed = Assert.Throws<FhirError>(() => ResourceSerializer.ParseJson(ResourceSerializer.ToJsonBytes(bundle)));
        var checkedInMemory = Assert.Throws<FhirError>(() => ResourceSerializer.CheckStrict(bundle));

        Assert.Equal(new[] { "Bundle.entry[7].resource.birthDate", "Bundle.entry[13].resource.telecom[0].rank", "Bundle.entry[16].request.method" }.Order(),
            checkedInMemory.Outcome.Issue.SelectMany(i => i.Expression).Order());
        Assert.Equal(parsed.Outcome.Issue.SelectMany(i => i.Expression).Order(), checkedInMemory.Outcome.Issue.SelectMany(i => i.Expression).Order());
    }

    [Fact]
    public void A_bundle_checked_in_parallel_passes_with_each_entry_keeping_its_resource()
    {
        var patients = Enumerable.Range(0, 20).Select(i => new Patient { Id = "p" + i, Active = true }).ToList();
        var bundle = Transaction(patients);

        ResourceSerializer.CheckStrict(bundle);

        Assert.Equal(patients, bundle.Entry.Select(e => e.Resource));
    }
}
