using System.Net;
using FhirPractice.Security.Authorization;

namespace FhirPractice.Security.Tests;

public sealed class JwksFetcherTests
{
    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.20.0.1", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700::1", true)]
    public void JWKS_URLs_resolve_to_public_addresses_only(string address, bool isPublic) =>
        Assert.Equal(isPublic, JwksFetcher.IsPublic(IPAddress.Parse(address)));
}
