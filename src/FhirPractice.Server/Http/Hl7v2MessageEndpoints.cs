using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Hl7v2.Inbound;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Hl7v2.Store;
using Hl7.Fhir.Model;

namespace FhirPractice.Server.Http;

/// <summary>
/// The staff's view of the HL7 v2 message store, beside the FHIR API (plain JSON, not FHIR; errors are
/// OperationOutcomes like everywhere else):
/// <list type="bullet">
/// <item><c>GET [base]/$hl7v2-messages?type=ADT^A08&amp;sender=APP[|FACILITY]&amp;patient=[AUTHORITY|]VALUE&amp;status=failed&amp;since=2024-01-01&amp;_count=50</c>: newest first, paged by a <c>next</c> link.</item>
/// <item><c>GET [base]/$hl7v2-dead-letters</c>: the same list for status failed.</item>
/// <item><c>GET [base]/$hl7v2-messages/{id}</c>: one message, raw, with its status, error and ACKs.</item>
/// <item><c>POST [base]/$hl7v2-messages/{id}/$replay</c>: runs it through the current mapping again.</item>
/// </list>
/// </summary>
public static class Hl7v2MessageEndpoints
{
    private const int DefaultCount = 50;
    private const int MaxCount = 1000;
    private static readonly HashSet<string> Parameters = ["type", "sender", "patient", "status", "since", "_count", "_page"];

    public static void MapHl7v2Messages(this WebApplication app)
    {
        var basePath = "/" + app.Services.GetRequiredService<FhirHttpOptions>().BasePath.Trim('/');
        app.MapGet(basePath + "/$hl7v2-messages", (HttpContext http, IMessageStore store, MessagePatients patients) =>
            JsonAnswer.WriteAsync(http, () => ListAsync(http, store, patients, basePath + "/$hl7v2-messages", null)));
        app.MapGet(basePath + "/$hl7v2-dead-letters", (HttpContext http, IMessageStore store, MessagePatients patients) =>
            JsonAnswer.WriteAsync(http, () => ListAsync(http, store, patients, basePath + "/$hl7v2-dead-letters", MessageStatus.Failed)));
        app.MapGet(basePath + "/$hl7v2-messages/{id}", (HttpContext http, IMessageStore store, MessagePatients patients, string id) =>
            JsonAnswer.WriteAsync(http, async () => await DetailAsync(await store.GetAsync(ParseId(id), http.RequestAborted) ?? throw NoMessage(id),
                MessageUrl(http, basePath), patients, http.RequestAborted)));
        app.MapPost(basePath + "/$hl7v2-messages/{id}/$replay", (HttpContext http, InboundPipeline pipeline, MessagePatients patients, string id) =>
            JsonAnswer.WriteAsync(http, async () =>
            {
                var replayed = await pipeline.ReplayAsync(ParseId(id), http.RequestAborted) ?? throw NoMessage(id);
                return await DetailAsync(replayed, MessageUrl(http, basePath), patients, http.RequestAborted);
            }));
    }

    private static async Task<StaffAnswer> ListAsync(HttpContext http, IMessageStore store, MessagePatients patients, string path, MessageStatus? status)
    {
        var query = ParseQuery(http.Request.Query, status);
        var page = await store.SearchAsync(query, http.RequestAborted);
        var messageUrl = MessageUrl(http, path[..path.LastIndexOf('/')]);
        string? next = null;
        if (page.Next is long cursor)
        {
            var parameters = http.Request.Query.Where(p => p.Key != "_page")
                .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}")
                .Append($"_page={cursor}");
            next = $"{http.Request.Scheme}://{http.Request.Host}{path}?{string.Join('&', parameters)}";
        }
        return new StaffAnswer(new JsonObject
        {
            ["messages"] = new JsonArray([.. page.Messages.Select(m => Summary(m, messageUrl))]),
            ["next"] = next,
        }, await patients.OfAsync(page.Messages, http.RequestAborted));
    }

    private static MessageQuery ParseQuery(IQueryCollection query, MessageStatus? status)
    {
        foreach (var (name, values) in query)
        {
            if (!Parameters.Contains(name) || (status is not null && name == "status"))
                throw FhirError.BadRequest($"unknown parameter '{name}' (known: {string.Join(", ", Parameters.Where(p => status is null || p != "status"))})", name);
            if (values.Count > 1) throw FhirError.BadRequest($"parameter '{name}' is given more than once", name);
            if (string.IsNullOrEmpty(values[0])) throw FhirError.BadRequest($"parameter '{name}' has no value", name);
        }
        string? Value(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;

        var count = DefaultCount;
        if (Value("_count") is { } countText && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxCount))
            throw FhirError.BadRequest($"_count must be a whole number from 1 to {MaxCount}", "_count");
        long? before = null;
        if (Value("_page") is { } pageText)
            before = long.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor
                : throw FhirError.BadRequest("_page is not a page cursor given by a next link", "_page");

        if (Value("status") is { } statusText)
            status = Enum.TryParse<MessageStatus>(statusText, ignoreCase: true, out var parsed) && !int.TryParse(statusText, out _) ? parsed
                : throw FhirError.BadRequest($"status '{statusText}' is not one of received, mapped, failed", "status");

        DateTimeOffset? since = null;
        if (Value("since") is { } sinceText)
            since = FhirDateTime.IsValidValue(sinceText) ? new FhirDateTime(sinceText).ToDateTimeOffset(TimeSpan.Zero)
                : throw FhirError.BadRequest($"since '{sinceText}' is not a FHIR dateTime such as 2024-05-01 or 2024-05-01T08:30:00+02:00", "since");

        var sender = Value("sender")?.Split('|', 2);
        var patient = Value("patient")?.Split('|', 2);
        return new MessageQuery(count)
        {
            MessageType = Value("type"),
            SendingApplication = sender?[0],
            SendingFacility = sender is [_, var facility] ? facility : null,
            Patient = patient switch
            {
                [var value] => new PatientIdentifier(value, null),
                [var authority, var value] => new PatientIdentifier(value, authority.Length == 0 ? null : authority),
                _ => null,
            },
            Status = status,
            Since = since,
            Before = before,
        };
    }

    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw NoMessage(id);

    private static FhirError NoMessage(string id) => FhirError.NotFound($"there is no HL7 v2 message '{id}'");

    private static string MessageUrl(HttpContext http, string basePath) =>
        $"{http.Request.Scheme}://{http.Request.Host}{basePath}/$hl7v2-messages/";

    private static JsonObject Summary(StoredMessage m, string messageUrl) => new()
    {
        ["id"] = m.Id,
        ["url"] = messageUrl + m.Id,
        ["status"] = m.Status.ToString().ToLowerInvariant(),
        ["type"] = m.MessageType,
        ["sendingApplication"] = m.SendingApplication,
        ["sendingFacility"] = m.SendingFacility,
        ["controlId"] = m.ControlId,
        ["patient"] = m.Patient is { } p ? new JsonObject { ["value"] = p.Value, ["assigningAuthority"] = p.AssigningAuthority } : null,
        ["receivedAt"] = m.ReceivedAt.ToString("o", CultureInfo.InvariantCulture),
        ["updatedAt"] = m.UpdatedAt.ToString("o", CultureInfo.InvariantCulture),
        ["error"] = m.Error,
    };

    private static async Task<StaffAnswer> DetailAsync(StoredMessage m, string messageUrl, MessagePatients patients, CancellationToken ct)
    {
        var json = Summary(m, messageUrl);
        json["message"] = Text(m.Raw);
        json["messageBase64"] = Convert.ToBase64String(m.Raw);
        json["acceptAck"] = m.AcceptAck is null ? null : Text(m.AcceptAck);
        json["ack"] = m.Ack is null ? null : Text(m.Ack);
        return new StaffAnswer(json, await patients.OfAsync([m], ct));
    }

    // For reading: UTF-8 when the bytes are valid UTF-8, else Latin-1 (every byte a character); messageBase64 has the exact bytes.
    private static string Text(byte[] bytes)
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(bytes); }
    }
}
