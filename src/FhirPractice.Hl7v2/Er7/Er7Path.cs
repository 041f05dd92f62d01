using System.Globalization;
using System.Text.RegularExpressions;

namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// A location in a message, written the way HL7 documents write it: <c>SEG[(occurrence)]-field[(repetition)][-component[-subcomponent]]</c>,
/// e.g. <c>PID-5-1</c>, <c>OBX(2)-5</c>, <c>PID-3(2)-1</c>, <c>PID-3-4-2</c>. Every number is 1-based;
/// an omitted occurrence or repetition means the first. Repetition, component and subcomponent stay null
/// when not written so that raw access can return the whole field or component.
/// </summary>
public sealed partial record Er7Path(string SegmentId, int Occurrence, int Field, int? Repetition, int? Component, int? Subcomponent)
{
    [GeneratedRegex(@"^([A-Za-z0-9]{3})(?:\((\d{1,9})\))?-(\d{1,9})(?:\((\d{1,9})\))?(?:-(\d{1,9})(?:-(\d{1,9}))?)?$")]
    private static partial Regex Syntax();

    /// <summary>Parses a path; a malformed one is a programming error and throws <see cref="FormatException"/>.</summary>
    public static Er7Path Parse(string path)
    {
        var match = Syntax().Match(path);
        if (!match.Success)
            throw new FormatException($"'{path}' is not an HL7 v2 path such as PID-5-1, OBX(2)-5 or PID-3(2)-1.");

        int? Number(int group)
        {
            if (!match.Groups[group].Success) return null;
            var value = int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture);
            return value >= 1 ? value : throw new FormatException($"'{path}': positions are 1-based.");
        }

        return new Er7Path(match.Groups[1].Value.ToUpperInvariant(), Number(2) ?? 1, Number(3)!.Value,
            Number(4), Number(5), Number(6));
    }

    public override string ToString() =>
        $"{SegmentId}{(Occurrence > 1 ? $"({Occurrence})" : "")}-{Field}{(Repetition is { } r ? $"({r})" : "")}" +
        $"{(Component is { } c ? $"-{c}" : "")}{(Subcomponent is { } s ? $"-{s}" : "")}";
}
