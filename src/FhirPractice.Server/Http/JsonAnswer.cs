using System.Text.Json.Nodes;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Access;
using FhirPractice.Fhir.Rest;

namespace FhirPractice.Server.Http;

/// <summary>
/// The answer of a staff endpoint beside the FHIR API: plain JSON, or the FhirError it raised as an OperationOutcome.
/// Staff endpoints show and change data of every patient, so the caller must be allowed to read (GET) or update
/// (otherwise) every resource, without confinement.
/// </summary>
internal static class JsonAnswer
{
    public static async System.Threading.Tasks.Task WriteAsync(HttpContext http, Func<Task<JsonObject>> body)
    {
        try
        {
            http.RequestServices.GetRequiredService<FhirEngine>().DemandEverything(HttpCaller.Authenticated(http),
                HttpMethods.IsGet(http.Request.Method) ? FhirInteraction.Read : FhirInteraction.Update);
            var json = await body();
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(json.ToJsonString(), http.RequestAborted);
        }
        catch (FhirError e)
        {
            await FhirHttpResponseWriter.WriteAsync(http, FhirResponse.ForError(e), FhirFormat.Json);
        }
    }
}
