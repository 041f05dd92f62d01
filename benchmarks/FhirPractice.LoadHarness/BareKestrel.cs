using System.Net;

namespace FhirPractice.LoadHarness;

/// <summary>
/// The machine's ceiling: Kestrel answering every GET with the bytes of a stored Patient read,
/// no routing, no storage. Read-by-id is reported as a fraction of what this reaches.
/// </summary>
public static class BareKestrel
{
    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var port = options.Number("port", 0);
        var body = await File.ReadAllBytesAsync(options.Required("file"));
        var contentType = options.Text("content-type", "application/fhir+json; charset=utf-8");

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = contentType;
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        });
        await app.RunAsync();
        return 0;
    }
}
