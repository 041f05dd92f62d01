using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;

namespace FhirPractice.Server.Tests;

/// <summary>
/// The Firely SDK's own FhirClient — a client nobody here wrote — against the running server, in its
/// default format (JSON). If the server's HTTP answers (status codes, Location, ETag, bodies) are off,
/// this client's own parsing and checks fail.
/// </summary>
public sealed class FirelyClientTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private FhirClient Client() => new(FhirServerFactory.BaseUrl, server.CreateClient(),
        new FhirClientSettings { PreferredFormat = ResourceFormat.Json, ReturnPreference = ReturnPreference.Representation, VerifyFhirVersion = true });

    [Fact]
    public async System.Threading.Tasks.Task Create_read_update_delete_and_history()
    {
        var client = Client();
        var created = await client.CreateAsync(new Patient { Name = [new HumanName { Family = "Chalmers", Given = ["Peter"] }], Gender = AdministrativeGender.Male });
        Assert.NotNull(created);
        Assert.NotNull(created.Id);
        Assert.Equal("1", created.Meta.VersionId);
        Assert.Equal(HttpStatusCode.Created.ToString("D"), client.LastResult!.Status[..3]);

        var read = await client.ReadAsync<Patient>($"Patient/{created.Id}");
        Assert.Equal("Chalmers", read!.Name[0].Family);
        Assert.Equal("W/\"1\"", client.LastResult!.Etag);

        read.BirthDate = "1974-12-25";
        var updated = await client.UpdateAsync(read);
        Assert.Equal("2", updated!.Meta.VersionId);
        Assert.Equal("1974-12-25", updated.BirthDate);

        // versionAware: sends If-Match with the version it read; a stale copy is refused with 412.
        var stale = await client.ReadAsync<Patient>($"Patient/{created.Id}/_history/1");
        var conflict = await Assert.ThrowsAsync<FhirOperationException>(() => client.UpdateAsync(stale!, versionAware: true));
        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.Status);

        await client.DeleteAsync(updated);
        var gone = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<Patient>($"Patient/{created.Id}"));
        Assert.Equal(HttpStatusCode.Gone, gone.Status);

        var history = await client.HistoryAsync($"Patient/{created.Id}");
        Assert.NotNull(history);
        Assert.Equal(Bundle.BundleType.History, history.Type);
        Assert.Equal(3, history.Entry.Count);
        Assert.Equal(Bundle.HTTPVerb.DELETE, history.Entry[0].Request.Method); // newest first
        Assert.Null(history.Entry[0].Resource);
        Assert.Equal(["2", "1"], history.Entry.Skip(1).Select(e => e.Resource.Meta.VersionId));
    }

    [Fact]
    public async System.Threading.Tasks.Task Conditional_create_returns_the_existing_resource_the_second_time()
    {
        var client = Client();
        var system = "urn:test:firely-client";
        var value = Guid.NewGuid().ToString("N");
        Patient New() => new() { Identifier = [new Identifier(system, value)], Active = true };
        var condition = new SearchParams().Where($"identifier={system}|{value}");

        var first = await client.ConditionalCreateAsync(New(), condition);
        Assert.Equal("201", client.LastResult!.Status[..3]);
        var second = await client.ConditionalCreateAsync(New(), condition);
        Assert.Equal("200", client.LastResult!.Status[..3]);

        Assert.Equal(first!.Id, second!.Id);
        Assert.Equal("1", second.Meta.VersionId);
        var found = await client.SearchAsync<Patient>([$"identifier={system}|{value}"]);
        Assert.Single(found!.Entry);
    }

    [Fact]
    public async System.Threading.Tasks.Task Transaction_built_with_TransactionBuilder_resolves_urn_uuid_references()
    {
        var client = Client();
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var patient = new Patient { Name = [new HumanName { Family = "Transaction" }] };
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "8867-4", "Heart rate"),
            Subject = new ResourceReference(patientUrn),
            Value = new Quantity(72, "/min"),
        };
        var bundle = new TransactionBuilder(FhirServerFactory.BaseUrl, Bundle.BundleType.Transaction)
            .Create(patient, patientUrn)
            .Create(observation, "urn:uuid:" + Guid.NewGuid())
            .ToBundle();

        var response = await client.TransactionAsync(bundle);

        Assert.Equal(Bundle.BundleType.TransactionResponse, response!.Type);
        Assert.Equal(2, response.Entry.Count);
        Assert.All(response.Entry, e => Assert.StartsWith("201", e.Response.Status));
        var patientLocation = new ResourceIdentity(response.Entry[0].Response.Location);
        var observationLocation = new ResourceIdentity(response.Entry[1].Response.Location);
        Assert.Equal("Patient", patientLocation.ResourceType);
        Assert.Equal("Observation", observationLocation.ResourceType);

        // Both entries resolve, and the Observation's subject now points at the created Patient.
        var storedPatient = await client.ReadAsync<Patient>(patientLocation.WithoutVersion());
        var storedObservation = await client.ReadAsync<Observation>(observationLocation.WithoutVersion());
        Assert.Equal("Transaction", storedPatient!.Name[0].Family);
        Assert.Equal($"Patient/{storedPatient.Id}", storedObservation!.Subject.Reference);
    }
}
