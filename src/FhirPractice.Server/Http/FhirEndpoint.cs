using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Server.Http;

/// <summary>The HTTP door of the engine: every method on every path under the FHIR base.</summary>
public static class FhirEndpoint
{
    public static void MapFhir(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<FhirHttpOptions>();
        var basePath = "/" + options.BasePath.Trim('/');
        app.Map(basePath + "/{**path}", (HttpContext http, FhirEngine engine, FhirHttpRequestReader reader, ILoggerFactory logs) =>
            HandleAsync(http, engine, reader, basePath, logs.CreateLogger("FhirPractice.Http")));
    }

    private static async System.Threading.Tasks.Task HandleAsync(HttpContext http, FhirEngine engine, FhirHttpRequestReader reader, string basePath, ILogger log)
    {
        var format = FhirHttpResponseWriter.Negotiate(http.Request);
        FhirResponse response;
        try
        {
            try
            {
                if (format is null) throw FhirHttpResponseWriter.NotAcceptable(http.Request);
                var request = await reader.ReadAsync(http, basePath);
                response = await engine.HandleAsync(request, http.RequestAborted);
            }
            catch (BadHttpRequestException e)
            {
                throw new FhirError((System.Net.HttpStatusCode)e.StatusCode, OperationOutcome.IssueType.Invalid, e.Message);
            }
        }
        catch (FhirError e)
        {
            // Refused before the engine took it (406, 413, 415, an unreadable body): the engine's hooks (the audit trail) still learn of it.
            response = FhirResponse.ForError(e);
            await engine.RefusedAsync(FhirHttpRequestReader.Envelope(http, basePath), e);
        }
        catch (Exception e) when (!http.RequestAborted.IsCancellationRequested)
        {
            // A bug, not the client's fault: log the exception's type and place and the resource type
            // only — no ids, query or body, which may carry PHI.
            var type = http.Request.Path.Value?[basePath.Length..].TrimStart('/').Split('/')[0];
            log.LogError("Unhandled {Exception} in {Site} for {Method} {Type}", e.GetType().Name, e.TargetSite?.DeclaringType?.Name + "." + e.TargetSite?.Name, http.Request.Method, type);
            response = FhirResponse.ForError(new FhirError(System.Net.HttpStatusCode.InternalServerError, OperationOutcome.IssueType.Exception,
                "An internal error occurred; it has been logged"));
        }
        await FhirHttpResponseWriter.WriteAsync(http, response, format ?? FhirFormat.Json);
    }
}
