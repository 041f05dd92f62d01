using FhirPractice.Fhir.Capability;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Enforcement;

/// <summary>
/// The CapabilityStatement's <c>rest.security</c>: the SMART-on-FHIR service and the oauth-uris extension with the
/// authorization server's endpoints, absolute on the origin the statement was asked at.
/// </summary>
public sealed class SmartCapability : ICapabilityContributor
{
    private const string OAuthUris = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    public void Contribute(CapabilityStatement statement, string baseUrl)
    {
        var origin = new Uri(baseUrl);
        string At(string path) => new Uri(origin, path).ToString();
        var oauth = new Extension { Url = OAuthUris };
        oauth.AddExtension("authorize", new FhirUri(At(SmartEndpointPaths.Authorize)));
        oauth.AddExtension("token", new FhirUri(At(SmartEndpointPaths.Token)));
        oauth.AddExtension("introspect", new FhirUri(At(SmartEndpointPaths.Introspect)));
        oauth.AddExtension("revoke", new FhirUri(At(SmartEndpointPaths.Revoke)));
        foreach (var rest in statement.Rest)
            rest.Security = new CapabilityStatement.SecurityComponent
            {
                Extension = [oauth],
                Cors = true,
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                Description = "SMART App Launch and Backend Services: OAuth 2.0 bearer tokens with SMART v1 and v2 scopes (v2 query filters " +
                              "included). A patient/ scope is confined to the token's patient's compartment; AuditEvent needs a scope that names it. " +
                              "No token: 401; a scope that does not allow the interaction: 403.",
            };
    }
}
