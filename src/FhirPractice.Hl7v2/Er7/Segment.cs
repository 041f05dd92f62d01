namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// One segment: its id and its fields, numbered from 1 as the standard numbers them (<c>Fields[0]</c> is
/// field 1). In a header segment (MSH, FHS, BHS) field 1 holds the field separator and field 2 the
/// encoding characters, each as one literal value that is never split or unescaped.
/// </summary>
public sealed class Segment(string id)
{
    public string Id { get; } = id;

    public List<Field> Fields { get; } = [];

    /// <summary>MSH, FHS and BHS carry the delimiters in fields 1 and 2.</summary>
    public bool IsHeader => IsHeaderId(Id);

    public static bool IsHeaderId(string? id) => id is "MSH" or "FHS" or "BHS";

    /// <summary>Writes fields 1 and 2 of a header: the field separator and the encoding characters.</summary>
    internal void AddDelimiterFields(Delimiters delimiters)
    {
        Fields.Add(Field.Literal(delimiters.Field.ToString()));
        Fields.Add(Field.Literal(delimiters.EncodingCharacters));
    }

    /// <summary>Field <paramref name="number"/> (1-based), or null when the segment stops before it.</summary>
    public Field? this[int number] => number >= 1 && number <= Fields.Count ? Fields[number - 1] : null;
}

/// <summary>A field: one or more repetitions, separated by the repetition character.</summary>
public sealed class Field
{
    public List<Repetition> Repetitions { get; } = [];

    /// <summary>A field of one raw value: how a header holds its delimiters in fields 1 and 2.</summary>
    internal static Field Literal(string raw)
    {
        var component = new Component();
        component.Subcomponents.Add(raw);
        var repetition = new Repetition();
        repetition.Components.Add(component);
        var field = new Field();
        field.Repetitions.Add(repetition);
        return field;
    }
}

/// <summary>One occurrence of a field: its components, separated by the component character.</summary>
public sealed class Repetition
{
    public List<Component> Components { get; } = [];
}

/// <summary>
/// A component: its subcomponents as raw (still escaped) ER7 text, separated by the subcomponent
/// character. Raw text is kept so that an unmodified message encodes back to what was received.
/// </summary>
public sealed class Component
{
    public List<string> Subcomponents { get; } = [];
}
