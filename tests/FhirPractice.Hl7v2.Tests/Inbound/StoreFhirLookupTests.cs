using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Hl7v2.Tests.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Tests.Inbound;

/// <summary>The mappings' look-up: a strict search answered by the store, every page.</summary>
public sealed class StoreFhirLookupTests
{
    [Fact]
    public async System.Threading.Tasks.Task A_lookup_returns_the_matches_of_every_page()
    {
        await using var store = new InProcessFhirStore();
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction };
        // More than the default page size (50), so the look-up must follow the store's next position.
        for (var i = 0; i < 120; i++)
            transaction.Entry.Add(new Bundle.EntryComponent
            {
                Resource = new Patient { Identifier = [new Identifier("urn:test:lookup", i % 2 == 0 ? "even" : $"odd-{i}")] },
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient" },
            });
        await store.CommitAsync(transaction);

        var even = await store.SearchAsync("Patient", [new("identifier", "urn:test:lookup|even")]);

        Assert.Equal(60, even.Count);
        Assert.Equal(60, even.Select(p => p.Id).Distinct().Count());
        Assert.All(even, p => Assert.Equal("even", ((Patient)p).Identifier.Single().Value));
        Assert.Single(await store.SearchAsync("Patient", [new("identifier", "urn:test:lookup|odd-7")]));
        Assert.Empty(await store.SearchAsync("Patient", [new("identifier", "urn:test:lookup|none")]));
    }

    [Fact]
    public async System.Threading.Tasks.Task An_unknown_search_parameter_is_refused_with_400()
    {
        await using var store = new InProcessFhirStore();

        var error = await Assert.ThrowsAsync<FhirError>(() => store.SearchAsync("Patient", [new("no-such-parameter", "x")]));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
    }
}
