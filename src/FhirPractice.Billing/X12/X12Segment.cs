namespace FhirPractice.Billing.X12;

/// <summary>One segment as read: its id, its elements (1-based as the guides number them) and its position in the interchange.</summary>
public sealed class X12Segment(string id, string[] elements, int position, X12Delimiters delimiters)
{
    public string Id { get; } = id;
    /// <summary>1-based ordinal of the segment in the interchange, for error messages.</summary>
    public int Position { get; } = position;
    public int Count => elements.Length;

    /// <summary>Element <paramref name="index"/> (1-based, e.g. CLP01 is 1), or "" when absent.</summary>
    public string this[int index] => index >= 1 && index <= elements.Length ? elements[index - 1] : "";

    /// <summary>Component <paramref name="component"/> (1-based) of an element, or "" when absent.</summary>
    public string Component(int index, int component)
    {
        var parts = this[index].Split(delimiters.Component);
        return component >= 1 && component <= parts.Length ? parts[component - 1] : "";
    }

    public decimal Decimal(int index)
    {
        var text = this[index];
        if (text.Length == 0) return 0m;
        return decimal.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
            System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new X12FormatException(Id, Position, $"{Id}{index:00} '{text}' is not a number");
    }

    public override string ToString() => elements.Length == 0 ? Id : Id + "*" + string.Join('*', elements);
}
