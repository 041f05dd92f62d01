using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>
/// Read access to one segment of a message for the mappings: fields by their standard number, each
/// repetition as a <see cref="V2Value"/>, and errors that name the segment and field (HL7 table 0357).
/// </summary>
internal sealed class V2Segment(Segment segment, int sequence, Er7Message message)
{
    public string Id => segment.Id;

    /// <summary>Which of the message's segments with this id it is (1-based).</summary>
    public int Sequence => sequence;

    public FieldLocation At(int field) => new(segment.Id, sequence, field);

    /// <summary>The repetitions of field <paramref name="field"/> that hold something.</summary>
    public IEnumerable<V2Value> Repetitions(int field)
    {
        // MSH-1 and MSH-2 hold the delimiters; MSH field n is Fields[n-1] like every other segment.
        if (segment[field] is not { } f) yield break;
        foreach (var repetition in f.Repetitions)
        {
            var value = V2Value.Of(repetition, message, At(field));
            if (!value.IsEmpty) yield return value;
        }
    }

    /// <summary>The first repetition of the field, or null when the field is empty.</summary>
    public V2Value? Field(int field) => Repetitions(field).FirstOrDefault();

    /// <summary>Component <paramref name="component"/> of the first repetition, as text.</summary>
    public string? this[int field, int component = 1] => Field(field)?[component];

    /// <summary>The first repetition of a required field; missing, the message is refused with code 101.</summary>
    public V2Value Required(int field, string name) =>
        Field(field) ?? throw RequiredFieldMissing(At(field), name);

    public static MappingException RequiredFieldMissing(FieldLocation at, string name) =>
        new(new AckError(at.SegmentId, at.SegmentSequence, at.Field, "101", "Required field missing",
            Diagnostic: $"{at} ({name}) is required"));

    public static MappingException DataTypeError(FieldLocation at, string what) =>
        new(new AckError(at.SegmentId, at.SegmentSequence, at.Field, "102", "Data type error",
            Diagnostic: $"{at}: {what}"));
}
