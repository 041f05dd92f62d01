using System.Net;
using System.Net.Sockets;

namespace FhirPractice.LoadHarness;

/// <summary>Asks the OS for an unused loopback port so runs never collide with something already listening.</summary>
public static class FreePort
{
    public static int Print()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Console.WriteLine(((IPEndPoint)listener.LocalEndpoint).Port);
        return 0;
    }
}
