using System.Globalization;

namespace FhirPractice.LoadHarness;

/// <summary>
/// The CPU time a server process has used, from /proc: its CPU per request travels better than requests/s on a machine
/// whose other users take a varying share of the cores.
/// </summary>
public static class ServerCpu
{
    /// <summary>User and system time of a process (fields 14 and 15 of /proc/PID/stat, in ticks of 1/100 s); zero without a pid.</summary>
    public static TimeSpan Of(int pid)
    {
        if (pid <= 0) return TimeSpan.Zero;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromMilliseconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10);
    }
}
