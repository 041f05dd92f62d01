using System.Globalization;
using System.Text.Json.Nodes;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Outbound;

namespace FhirPractice.Server.Http;

/// <summary>
/// The staff's view of the outbound HL7 v2 queue, beside the FHIR API (plain JSON; errors are OperationOutcomes):
/// <list type="bullet">
/// <item><c>GET [base]/$hl7v2-outbound?destination=NAME&amp;status=pending|sent|failed&amp;_count=50</c>: in queue order, paged by a <c>next</c> link.</item>
/// <item><c>GET [base]/$hl7v2-outbound/{id}</c>: one message with its ER7 text once built.</item>
/// <item><c>POST [base]/$hl7v2-outbound/{id}/$retry</c>: a failed message back in its queue.</item>
/// </list>
/// </summary>
public static class Hl7v2OutboundEndpoints
{
    private const int DefaultCount = 50;
    private const int MaxCount = 1000;
    private static readonly string[] Parameters = ["destination", "status", "_count", "_page"];

    public static void MapHl7v2Outbound(this WebApplication app)
    {
        var path = "/" + app.Services.GetRequiredService<FhirHttpOptions>().BasePath.Trim('/') + "/$hl7v2-outbound";
        app.MapGet(path, (HttpContext http, OutboundQueue queue) => JsonAnswer.WriteAsync(http, async () =>
        {
            var query = ParseQuery(http.Request.Query, queue);
            var page = await queue.ListAsync(query with { Count = query.Count + 1 }, http.RequestAborted);
            var next = page.Count > query.Count
                ? $"{http.Request.Scheme}://{http.Request.Host}{path}?{string.Join('&', http.Request.Query.Where(p => p.Key != "_page").Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value.ToString())}").Append($"_page={page[query.Count - 1].Id}"))}"
                : null;
            var shown = page.Take(query.Count).ToList();
            return new StaffAnswer(new JsonObject
            {
                ["messages"] = new JsonArray([.. shown.Select(m => Describe(m, withText: false))]),
                ["next"] = next,
            }, PatientsOf(shown));
        }));
        app.MapGet(path + "/{id}", (HttpContext http, OutboundQueue queue, string id) => JsonAnswer.WriteAsync(http, async () =>
            Answer(await queue.ReadAsync(ParseId(id), http.RequestAborted) ?? throw FhirError.NotFound($"There is no outbound message {id}"))));
        app.MapPost(path + "/{id}/$retry", (HttpContext http, OutboundQueue queue, string id) => JsonAnswer.WriteAsync(http, async () =>
            Answer(await queue.RetryAsync(ParseId(id), http.RequestAborted))));
    }

    private static StaffAnswer Answer(OutboxMessage message) => new(Describe(message, withText: true), PatientsOf([message]));

    // The patients the messages are about, where the queue names them: ADT^A08 is sent for a Patient (an SIU names its
    // Appointment, whose patient the audit record does not look up).
    private static List<string> PatientsOf(IEnumerable<OutboxMessage> messages) =>
        [.. messages.Where(m => m.ResourceType == "Patient").Select(m => m.ResourceId).Distinct().Order(StringComparer.Ordinal)];

    private static OutboxQuery ParseQuery(IQueryCollection query, OutboundQueue queue)
    {
        foreach (var (name, values) in query)
        {
            if (!Parameters.Contains(name)) throw FhirError.BadRequest($"unknown parameter '{name}' (known: {string.Join(", ", Parameters)})", name);
            if (values.Count > 1) throw FhirError.BadRequest($"parameter '{name}' is given more than once", name);
            if (string.IsNullOrEmpty(values[0])) throw FhirError.BadRequest($"parameter '{name}' has no value", name);
        }
        string? Value(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;

        var destination = Value("destination");
        if (destination is not null && !queue.Destinations.Contains(destination))
            throw FhirError.BadRequest($"'{destination}' is not a configured destination (configured: {string.Join(", ", queue.Destinations)})", "destination");
        OutboxStatus[]? statuses = null;
        if (Value("status") is { } statusText)
            statuses = Enum.TryParse<OutboxStatus>(statusText, ignoreCase: true, out var status) && !int.TryParse(statusText, out _) ? [status]
                : throw FhirError.BadRequest("status must be pending, sent or failed", "status");
        var count = DefaultCount;
        if (Value("_count") is { } countText && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > MaxCount))
            throw FhirError.BadRequest($"_count must be a whole number from 1 to {MaxCount}", "_count");
        long? after = null;
        if (Value("_page") is { } pageText)
            after = long.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor
                : throw FhirError.BadRequest("_page is not a page cursor given by a next link", "_page");
        return new OutboxQuery(destination, statuses, after, count);
    }

    private static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : throw FhirError.NotFound($"There is no outbound message {id}");

    private static JsonObject Describe(OutboxMessage m, bool withText)
    {
        var json = new JsonObject
        {
            ["id"] = m.Id,
            ["destination"] = m.Destination,
            ["status"] = m.Status.ToString().ToLowerInvariant(),
            ["resource"] = $"{m.ResourceType}/{m.ResourceId}/_history/{m.ResourceVersion}",
            ["kind"] = m.Kind,
            ["attempts"] = m.Attempts,
            ["created"] = m.Created.ToString("o", CultureInfo.InvariantCulture),
            ["updated"] = m.Updated.ToString("o", CultureInfo.InvariantCulture),
        };
        if (m.Payload is { } text)
        {
            var message = Er7Parser.Parse(text);
            json["messageType"] = message.GetRaw("MSH-9");
            json["controlId"] = message.Get("MSH-10");
            if (withText) json["message"] = text;
        }
        if (m.NextAttempt is { } next) json["nextAttempt"] = next.ToString("o", CultureInfo.InvariantCulture);
        if (m.LastError is { } error) json["lastError"] = error;
        return json;
    }
}
