namespace FhirPractice.LoadHarness;

/// <summary>The "--key value" pairs after the mode; missing required keys fail loudly.</summary>
public sealed class CommandLineOptions(Dictionary<string, string> values)
{
    public static CommandLineOptions Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal)) key = arg[2..];
            else if (key is not null) { values[key] = arg; key = null; }
            else throw new ArgumentException($"value '{arg}' has no --key before it");
        }
        return new CommandLineOptions(values);
    }

    public string Required(string key) =>
        values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"--{key} is required");

    public string Text(string key, string fallback) => values.GetValueOrDefault(key, fallback);

    public int Number(string key, int fallback) =>
        values.TryGetValue(key, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
