using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;

namespace FhirPractice.Security.Authorization;

/// <summary>
/// Fetches a backend client's JWKS from its registered URL, cached for a few minutes. The connection is refused
/// when the host resolves to a loopback, private or link-local address (SSRF) unless
/// <see cref="SmartAuthorizationOptions.AllowPrivateJwksUrls"/> is set; the address is checked as connected, so a
/// DNS answer that changes between check and use does not get through.
/// </summary>
public sealed class JwksFetcher(SmartAuthorizationOptions options, IMemoryCache cache) : IDisposable
{
    private const int MaxBytes = 64 * 1024;
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ConnectCallback = async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = addresses.Where(a => options.AllowPrivateJwksUrls || IsPublic(a)).ToArray();
            if (allowed.Length == 0) throw new HttpRequestException($"JWKS host {context.DnsEndPoint.Host} is not a public address");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch { socket.Dispose(); throw; }
        },
    }) { Timeout = TimeSpan.FromSeconds(10), MaxResponseContentBufferSize = MaxBytes };

    public async Task<JsonWebKeySet?> FetchAsync(string url, CancellationToken ct)
    {
        if (cache.TryGetValue(url, out JsonWebKeySet? cached)) return cached;
        try
        {
            var set = new JsonWebKeySet(await _http.GetStringAsync(url, ct));
            cache.Set(url, set, TimeSpan.FromMinutes(5));
            return set;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            return null; // no keys: the assertion fails as invalid_client
        }
    }

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal) return false;
        if (address.AddressFamily != AddressFamily.InterNetwork) return !address.Equals(IPAddress.IPv6Any);
        var b = address.GetAddressBytes();
        return !(b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                 || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224);
    }

    public void Dispose() => _http.Dispose();
}
