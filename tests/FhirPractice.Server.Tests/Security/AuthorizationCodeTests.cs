using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FhirPractice.Server.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Validation.AspNetCore;

namespace FhirPractice.Server.Tests.Security;

/// <summary>SMART App Launch 2.2 authorization code flows: standalone and EHR launch, PKCE, aud, the token response, refresh.</summary>
public class AuthorizationCodeTests(SmartServerFactory server) : IClassFixture<SmartServerFactory>
{
    private const string PatientScopes = "openid fhirUser launch/patient offline_access patient/*.rs patient/Observation.rs?category=laboratory";

    [Fact]
    public async Task A_patient_user_gets_their_own_patient_in_the_token_response()
    {
        var flow = new SmartFlow(server);
        var redirect = await flow.AuthorizeAsync(flow.Parameters(PatientScopes), "pat", SmartServerFactory.PatientPassword, patientLogin: true);
        Assert.Equal("state-1", SmartFlow.QueryValue(redirect, "state"));
        var (status, token, response) = await flow.RedeemAsync(SmartFlow.QueryValue(redirect, "code")!);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal("pat-1", token.GetProperty("patient").GetString());
        Assert.True(token.GetProperty("need_patient_banner").GetBoolean());
        var scopes = token.GetProperty("scope").GetString()!.Split(' ');
        Assert.Contains("patient/Observation.rs?category=laboratory", scopes);
        Assert.Contains("patient/*.rs", scopes);
        Assert.True(token.TryGetProperty("refresh_token", out _));
        var idToken = new JsonWebToken(token.GetProperty("id_token").GetString());
        Assert.Equal("Patient/pat-1", idToken.GetClaim("fhirUser").Value);

        // smart_style_url resolves to a JSON style document.
        var style = await flow.Browser.GetAsync(token.GetProperty("smart_style_url").GetString());
        Assert.Equal("application/json", style.Content.Headers.ContentType!.MediaType);
        Assert.True(JsonDocument.Parse(await style.Content.ReadAsStringAsync()).RootElement.TryGetProperty("color_background", out _));
    }

    [Fact]
    public async Task The_access_token_gives_the_FHIR_door_the_caller_the_engine_reads()
    {
        var flow = new SmartFlow(server);
        var redirect = await flow.AuthorizeAsync(flow.Parameters(PatientScopes), "pat", SmartServerFactory.PatientPassword, patientLogin: true);
        var (_, token, _) = await flow.RedeemAsync(SmartFlow.QueryValue(redirect, "code")!);

        await using var scope = server.Services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        http.Request.Path = "/fhir/Patient/pat-1";
        http.Request.Headers.Authorization = "Bearer " + token.GetProperty("access_token").GetString();
        // What UseAuthentication does before the guard asks the validation handler.
        var handler = await scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>().GetHandlerAsync(http, OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        Assert.False(await ((IAuthenticationRequestHandler)handler!).HandleRequestAsync());
        var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        Assert.True(result.Succeeded, result.Failure?.Message);
        http.User = result.Principal!;

        var caller = HttpCaller.From(http);
        Assert.Equal("app", caller.ClientId);
        Assert.Equal("pat", caller.Subject);
        Assert.Equal("Patient/pat-1", caller.FhirUser);
        Assert.Equal("pat-1", caller.Patient);
        Assert.Contains("patient/Observation.rs?category=laboratory", caller.Scopes);
        Assert.Contains("patient/*.rs", caller.Scopes);
    }

    [Fact]
    public async Task A_practice_user_picks_the_patient_and_it_must_exist()
    {
        var created = await server.Client.PutAsync("Patient/picked-1", Infrastructure.FhirServerFactory.Json("""{"resourceType":"Patient","id":"picked-1"}"""));
        Assert.True(created.IsSuccessStatusCode);
        var flow = new SmartFlow(server);
        var redirect = await flow.AuthorizeAsync(flow.Parameters("launch/patient patient/*.rs openid fhirUser"), "doctor", SmartServerFactory.DoctorPassword, pick: "picked-1");
        var (status, token, _) = await flow.RedeemAsync(SmartFlow.QueryValue(redirect, "code")!);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("picked-1", token.GetProperty("patient").GetString());
        Assert.Equal("Practitioner/doc-1", new JsonWebToken(token.GetProperty("id_token").GetString()).GetClaim("fhirUser").Value);

        var unknown = await flow.SubmitAsync("/auth/patient-picker?returnUrl=%2F", new Dictionary<string, string> { ["PatientId"] = "no-such-patient" });
        Assert.Contains("No patient with that id", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_EHR_launch_binds_the_stored_context()
    {
        var admin = await BackendTokens.RequestAsync(server, "admin-backend", server.RsaKey, "RS384", "fhirpractice/admin");
        using var api = server.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var launch = await api.PostAsync("/auth/launch", new StringContent("""
            {"patient":"ehr-pat","encounter":"enc-9","fhirContext":[{"reference":"Appointment/ap-1"}],"needPatientBanner":false}
            """, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, launch.StatusCode);
        var launchId = JsonDocument.Parse(await launch.Content.ReadAsStringAsync()).RootElement.GetProperty("launch").GetString();

        var flow = new SmartFlow(server);
        var parameters = flow.Parameters("launch patient/*.rs openid fhirUser");
        parameters["launch"] = launchId;
        var redirect = await flow.AuthorizeAsync(parameters, "doctor", SmartServerFactory.DoctorPassword);
        var (_, token, _) = await flow.RedeemAsync(SmartFlow.QueryValue(redirect, "code")!);
        Assert.Equal("ehr-pat", token.GetProperty("patient").GetString());
        Assert.Equal("enc-9", token.GetProperty("encounter").GetString());
        Assert.Equal("Appointment/ap-1", token.GetProperty("fhirContext")[0].GetProperty("reference").GetString());
        Assert.False(token.GetProperty("need_patient_banner").GetBoolean());

        parameters["launch"] = "not-a-launch";
        var refused = await new SmartFlow(server).AuthorizeAsync(parameters, "doctor", SmartServerFactory.DoctorPassword);
        Assert.Equal("invalid_request", SmartFlow.QueryValue(refused, "error"));
    }

    [Fact]
    public async Task The_launch_API_refuses_callers_without_the_admin_scope()
    {
        using var api = server.CreateClient();
        var anonymous = await api.PostAsync("/auth/launch", new StringContent("""{"patient":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(anonymous.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect or HttpStatusCode.Found, anonymous.StatusCode.ToString());
        var backend = await BackendTokens.RequestAsync(server, "rsa-backend", server.RsaKey, "RS384", "system/*.rs");
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", backend);
        var forbidden = await api.PostAsync("/auth/launch", new StringContent("""{"patient":"x"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task Aud_other_than_our_FHIR_base_is_refused()
    {
        var flow = new SmartFlow(server);
        var parameters = flow.Parameters(PatientScopes);
        parameters["aud"] = "https://elsewhere.example/fhir";
        var redirect = await flow.AuthorizeAsync(parameters, "pat", SmartServerFactory.PatientPassword, patientLogin: true);
        Assert.Equal("invalid_request", SmartFlow.QueryValue(redirect, "error"));
        Assert.Null(SmartFlow.QueryValue(redirect, "code"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("plain")]
    public async Task Authorization_without_S256_PKCE_is_refused(string? method)
    {
        var flow = new SmartFlow(server);
        var parameters = flow.Parameters(PatientScopes);
        parameters["code_challenge_method"] = method;
        if (method is null) parameters["code_challenge"] = null;
        else parameters["code_challenge"] = flow.Verifier;
        var response = await flow.Browser.GetAsync(SmartFlow.AuthorizeUrl(parameters));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("error:invalid_request", body);
        Assert.Contains("code_challenge", body);
    }

    [Fact]
    public async Task A_wrong_code_verifier_and_a_reused_code_are_refused()
    {
        var flow = new SmartFlow(server);
        var redirect = await flow.AuthorizeAsync(flow.Parameters(PatientScopes), "pat", SmartServerFactory.PatientPassword, patientLogin: true);
        var code = SmartFlow.QueryValue(redirect, "code")!;
        var (first, _, _) = await flow.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.OK, first);
        var (again, error, _) = await flow.RedeemAsync(code);
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());

        var other = new SmartFlow(server);
        var redirect2 = await other.AuthorizeAsync(other.Parameters(PatientScopes), "pat", SmartServerFactory.PatientPassword, patientLogin: true);
        var (wrong, wrongError, _) = await other.RedeemAsync(SmartFlow.QueryValue(redirect2, "code")!, verifier: flow.Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal("invalid_grant", wrongError.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_redirect_uri_not_registered_and_an_unknown_client_are_refused_without_redirecting()
    {
        var flow = new SmartFlow(server);
        var parameters = flow.Parameters(PatientScopes);
        parameters["redirect_uri"] = "https://attacker.example/callback";
        var badRedirect = await flow.Browser.GetAsync(SmartFlow.AuthorizeUrl(parameters));
        Assert.Equal(HttpStatusCode.BadRequest, badRedirect.StatusCode);
        Assert.Contains("redirect_uri", await badRedirect.Content.ReadAsStringAsync());

        var unknown = await flow.Browser.GetAsync(SmartFlow.AuthorizeUrl(flow.Parameters(PatientScopes, clientId: "nobody")));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("client_id", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_patient_cannot_sign_in_on_the_practice_page_nor_with_a_wrong_password()
    {
        var flow = new SmartFlow(server);
        var onPracticePage = await flow.SubmitAsync("/auth/login?returnUrl=%2F", new Dictionary<string, string> { ["UserName"] = "pat", ["Password"] = SmartServerFactory.PatientPassword });
        Assert.Contains("Unknown user name or wrong password", await onPracticePage.Content.ReadAsStringAsync());
        var wrong = await flow.SubmitAsync("/auth/patient-login?returnUrl=%2F", new Dictionary<string, string> { ["UserName"] = "pat", ["Password"] = "nope" });
        Assert.Contains("Unknown user name or wrong password", await wrong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_login_post_without_the_antiforgery_token_is_refused()
    {
        var flow = new SmartFlow(server);
        var response = await flow.Browser.PostAsync("/auth/patient-login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "pat", ["Password"] = SmartServerFactory.PatientPassword, ["ReturnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
