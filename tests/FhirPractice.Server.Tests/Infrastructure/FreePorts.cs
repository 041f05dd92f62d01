using System.Net;
using System.Net.Sockets;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>A loopback TCP port nothing listens on right now, for a listener a test starts.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
