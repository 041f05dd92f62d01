using System.Net;
using FhirPractice.Server.Tests.Audit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FhirPractice.Server.Tests.Security;

/// <summary>
/// Password guessing on the sign-in pages: three failures in a row lock a user name for ten minutes (this server's
/// settings), whatever the password, an unknown name alike; a success clears the count; the lock ends with its time.
/// </summary>
public sealed class SignInLockoutTests(SignInLockoutTests.LockoutServerFactory server) : IClassFixture<SignInLockoutTests.LockoutServerFactory>
{
    public sealed class LockoutServerFactory : SmartServerFactory
    {
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

        protected override IEnumerable<KeyValuePair<string, string?>> MoreSettings() =>
            [new("FhirPractice:Security:MaxFailedSignIns", "3"), new("FhirPractice:Security:SignInLockout", "00:10:00")];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
        }
    }

    private async Task<string> SignInAsync(string user, string password, bool patients = false)
    {
        var page = patients ? "/auth/patient-login?returnUrl=%2F" : "/auth/login?returnUrl=%2F";
        var response = await new SmartFlow(server).SubmitAsync(page, new Dictionary<string, string> { ["UserName"] = user, ["Password"] = password });
        return response.StatusCode == HttpStatusCode.Redirect ? "signed in" : await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Three_failures_lock_the_name_whatever_the_password_until_the_lock_ends()
    {
        Assert.Contains("Unknown user name or wrong password", await SignInAsync("doctor", "guess-1"));
        Assert.Contains("Unknown user name or wrong password", await SignInAsync("doctor", "guess-2"));
        Assert.Contains("Too many failed sign-ins", await SignInAsync("doctor", "guess-3"));
        Assert.Contains("Too many failed sign-ins", await SignInAsync("doctor", SmartServerFactory.DoctorPassword));
        Assert.Equal("signed in", await SignInAsync("pat", SmartServerFactory.PatientPassword, patients: true)); // other names go on

        var refusals = (await AuditLog.AllAsync(server.Services, "AuditEvent"))
            .Where(e => e["agent"]!.AsArray().Any(a => (string?)a!["altId"] == "doctor")
                && (string?)e["outcomeDesc"] is { } d && d.StartsWith("too many failed sign-ins")).ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, e => Assert.Equal("4", (string?)e["outcome"]));

        server.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal("signed in", await SignInAsync("doctor", SmartServerFactory.DoctorPassword));
    }

    [Fact]
    public async Task An_unknown_name_is_locked_alike_and_a_success_clears_the_count()
    {
        foreach (var guess in new[] { "a", "b", "c" }) await SignInAsync("nobody-here", guess);
        Assert.Contains("Too many failed sign-ins", await SignInAsync("nobody-here", "d"));

        foreach (var round in new[] { 1, 2 })
        {
            Assert.Contains("wrong password", await SignInAsync("pat", "nope-1", patients: true));
            Assert.Contains("wrong password", await SignInAsync("pat", "nope-2", patients: true));
            Assert.Equal("signed in", await SignInAsync("pat", SmartServerFactory.PatientPassword, patients: true));
        }
    }
}
