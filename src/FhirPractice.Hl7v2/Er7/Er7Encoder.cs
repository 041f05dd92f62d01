using System.Text;

namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// Writes the model back as ER7 text: each segment followed by a CR (the standard's segment
/// terminator), values written raw. An unmodified parsed message therefore encodes to the bytes it was
/// read from, except that a leading byte order mark is gone, every CR, LF or CRLF between segments is a
/// CR, empty lines are gone and the last segment ends with a CR. Everything inside a segment (trailing
/// spaces, escape sequences, empty trailing fields) is kept exactly.
/// </summary>
public static class Er7Encoder
{
    public const char SegmentTerminator = '\r';

    public static void WriteSegment(StringBuilder output, Segment segment, Delimiters delimiters)
    {
        output.Append(segment.Id);
        for (var number = 1; number <= segment.Fields.Count; number++)
        {
            if (segment.IsHeader && number == 1) continue; // MSH-1 is the separator written just below
            output.Append(delimiters.Field);
            WriteField(output, segment.Fields[number - 1], delimiters);
        }
        output.Append(SegmentTerminator);
    }

    public static void WriteField(StringBuilder output, Field field, Delimiters delimiters)
    {
        for (var r = 0; r < field.Repetitions.Count; r++)
        {
            if (r > 0) output.Append(delimiters.Repetition);
            WriteRepetition(output, field.Repetitions[r], delimiters);
        }
    }

    public static void WriteRepetition(StringBuilder output, Repetition repetition, Delimiters delimiters)
    {
        for (var c = 0; c < repetition.Components.Count; c++)
        {
            if (c > 0) output.Append(delimiters.Component);
            WriteComponent(output, repetition.Components[c], delimiters);
        }
    }

    public static void WriteComponent(StringBuilder output, Component component, Delimiters delimiters)
    {
        for (var s = 0; s < component.Subcomponents.Count; s++)
        {
            if (s > 0) output.Append(delimiters.Subcomponent);
            output.Append(component.Subcomponents[s]);
        }
    }
}
