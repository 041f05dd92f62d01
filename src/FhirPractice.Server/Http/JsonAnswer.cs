using System.Text.Json.Nodes;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Rest;
using FhirPractice.Security.Audit;
using Microsoft.AspNetCore.Http.Extensions;

namespace FhirPractice.Server.Http;

/// <summary>
/// The answer of a staff endpoint beside the FHIR API: plain JSON, or the FhirError it raised as an OperationOutcome.
/// Staff endpoints show and change data of every patient, so the caller must be allowed to read (GET) or update
/// (otherwise) every resource, without confinement; and every request, answered or refused, is recorded in the audit
/// trail before its answer is sent, as the FHIR API's interactions are.
/// </summary>
internal static class JsonAnswer
{
    public static async System.Threading.Tasks.Task WriteAsync(HttpContext http, Func<Task<StaffAnswer>> body)
    {
        StaffAnswer? answer = null;
        FhirError? refusal = null;
        try
        {
            http.RequestServices.GetRequiredService<FhirEngine>().DemandEverything(HttpCaller.Authenticated(http),
                HttpMethods.IsGet(http.Request.Method) ? FhirInteraction.Read : FhirInteraction.Update);
            answer = await body();
        }
        catch (FhirError e)
        {
            refusal = e;
        }
        // Not cancelled with the request: what was asked is recorded even when the client went away.
        await http.RequestServices.GetRequiredService<IAuditTrail>().RecordAsync(new StaffAccess(
            (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path, http.Request.Method, http.Request.GetDisplayUrl(),
            refusal is null ? StatusCodes.Status200OK : (int)refusal.Status, HttpCaller.From(http), FhirHttpRequestReader.RequestId(http), refusal?.Message,
            answer?.Patients),
            CancellationToken.None);
        if (refusal is not null)
        {
            await FhirHttpResponseWriter.WriteAsync(http, FhirResponse.ForError(refusal), FhirFormat.Json);
            return;
        }
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(answer!.Json.ToJsonString(), http.RequestAborted);
    }
}

/// <summary>A staff endpoint's answer, and the ids of the patients whose data it holds, for the audit trail.</summary>
internal sealed record StaffAnswer(JsonObject Json, IReadOnlyList<string>? Patients = null);
