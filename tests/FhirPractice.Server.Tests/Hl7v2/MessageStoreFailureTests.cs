using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Hl7v2.Store;
using FhirPractice.Server.Tests.Infrastructure;
using FhirPractice.Storage.Sqlite.Hl7v2;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>
/// An original-mode message is stored once, with its outcome, after its FHIR changes commit: what a failure of that
/// write leaves, and that the resend makes it whole.
/// </summary>
public class MessageStoreFailureTests(FailingMessageStoreServerFactory server) : IClassFixture<FailingMessageStoreServerFactory>
{
    private int Port => server.Started().MllpPort;

    private async Task<JsonArray> StoredAsync(string mrn)
    {
        var response = await server.Client.GetAsync($"$hl7v2-messages?patient={mrn}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync())["messages"]!.AsArray();
    }

    private async Task<JsonArray> PatientsAsync(string mrn) =>
        (await (await server.Client.GetAsync($"Patient?identifier={Uri.EscapeDataString(TestMessageMapper.PatientSystem + "GHH")}|{mrn}")).JsonAsync())["entry"]?.AsArray() ?? [];

    [Fact]
    public async Task A_message_that_cannot_be_stored_after_its_commit_is_refused_and_its_resend_is_stored_once_without_a_second_version()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        var refusedBefore = server.Failing.Refused;
        server.Failing.ControlId = control;
        var message = V2.Adt(control, mrn);

        var refused = V2.Parse(await V2.SendAsync(Port, message));
        Assert.Equal("AR", refused.Get("MSA-1"));
        Assert.Contains("could not be stored", refused.Get("ERR-8"));
        Assert.Empty(await StoredAsync(mrn));
        Assert.Single(await PatientsAsync(mrn)); // committed before the store refused: the resend must find it

        var again = V2.Parse(await V2.SendAsync(Port, message));
        Assert.Equal("AA", again.Get("MSA-1"));
        var patient = Assert.Single(await PatientsAsync(mrn))!["resource"]!;
        Assert.Equal("1", (string?)patient["meta"]!["versionId"]);
        var stored = Assert.Single(await StoredAsync(mrn))!;
        Assert.Equal("mapped", (string?)stored["status"]);
        Assert.True(DateTimeOffset.Parse((string)stored["updatedAt"]!) >= DateTimeOffset.Parse((string)stored["receivedAt"]!));
        Assert.Equal(refusedBefore + 1, server.Failing.Refused);
    }

    [Fact]
    public async Task An_enhanced_mode_message_is_stored_received_before_it_is_processed()
    {
        var (control, mrn) = (FhirHttp.Unique(), FhirHttp.Unique());
        server.Failing.ControlId = control;

        var accept = V2.Parse(await V2.SendAsync(Port, V2.Adt(control, mrn, ackModes: "AL|NE")));

        Assert.Equal("CE", accept.Get("MSA-1")); // the store refused it before anything was mapped
        Assert.Empty(await PatientsAsync(mrn));
        Assert.Empty(await StoredAsync(mrn));
    }
}

/// <summary>The message store refuses the next admission of one control id (as a full disk would), once.</summary>
public sealed class FailingAdmissions(IMessageStore inner) : IMessageStore
{
    private readonly Lock _gate = new();
    public volatile string? ControlId;
    public volatile int Refused;

    public Task<Admission> AdmitAsync(NewMessage message, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (message.ControlId is { } control && control == ControlId)
            {
                ControlId = null;
                Refused++;
                throw new IOException("disk full");
            }
        }
        return inner.AdmitAsync(message, ct);
    }

    public Task CompleteAsync(long id, MessageStatus status, byte[]? ack, string? error, CancellationToken ct = default) => inner.CompleteAsync(id, status, ack, error, ct);
    public Task<StoredMessage?> GetAsync(long id, CancellationToken ct = default) => inner.GetAsync(id, ct);
    public Task<StoredMessage?> FindAsync(DuplicateKey key, CancellationToken ct = default) => inner.FindAsync(key, ct);
    public Task<MessagePage> SearchAsync(MessageQuery query, CancellationToken ct = default) => inner.SearchAsync(query, ct);
}

public sealed class FailingMessageStoreServerFactory : MllpServerFactory
{
    public FailingAdmissions Failing => Services.GetRequiredService<FailingAdmissions>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(sp => new FailingAdmissions(sp.GetRequiredService<SqliteMessageStore>()));
            services.AddSingleton<IMessageStore>(sp => sp.GetRequiredService<FailingAdmissions>());
        });
    }
}
