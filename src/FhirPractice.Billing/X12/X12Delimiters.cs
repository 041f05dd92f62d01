namespace FhirPractice.Billing.X12;

/// <summary>
/// The four delimiters of an interchange. A reader takes them from the fixed-width ISA segment (element
/// separator at position 3, repetition separator ISA11, component separator ISA16, segment terminator right
/// after it), never assumes them; a writer chooses them.
/// </summary>
public readonly record struct X12Delimiters(char Element, char Repetition, char Component, char Segment)
{
    public static readonly X12Delimiters Default = new('*', '^', ':', '~');

    /// <summary>The length of an ISA segment up to and including ISA16 (the terminator follows).</summary>
    public const int IsaLength = 105;

    // Where the element separator stands in the fixed-width ISA: before ISA01 … ISA16.
    private static readonly int[] IsaSeparatorPositions = [3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103];

    public static X12Delimiters FromIsa(string text)
    {
        if (!text.StartsWith("ISA", StringComparison.Ordinal))
            throw new X12FormatException(text.Length >= 3 ? text[..3] : text, 1, "an interchange must start with ISA");
        if (text.Length <= IsaLength)
            throw new X12FormatException("ISA", 1, $"the ISA segment is truncated: it is {IsaLength + 1} characters with its terminator, the file has {text.Length}");
        var delimiters = new X12Delimiters(text[3], text[82], text[104], text[105]);
        foreach (var position in IsaSeparatorPositions)
            if (text[position] != delimiters.Element)
                throw new X12FormatException("ISA", 1,
                    $"inconsistent delimiters: the element separator is '{delimiters.Element}' (position 3) but position {position} holds '{text[position]}'");
        for (var i = 4; i < 104; i++)
            if (text[i] == delimiters.Component || text[i] == delimiters.Segment)
                if (i != 82)
                    throw new X12FormatException("ISA", 1, $"inconsistent delimiters: '{text[i]}' at position {i} is also the component separator or the segment terminator");
        delimiters.Check(1);
        return delimiters;
    }

    /// <summary>Four distinct characters, none a letter, digit or space (which data could hold).</summary>
    public void Check(int position = 1)
    {
        char[] all = [Element, Repetition, Component, Segment];
        if (all.Distinct().Count() != 4)
            throw new X12FormatException("ISA", position, $"the delimiters must differ: element '{Element}', repetition '{Repetition}', component '{Component}', segment '{Segment}'");
        foreach (var c in all)
            if (char.IsLetterOrDigit(c) || c == ' ')
                throw new X12FormatException("ISA", position, $"'{c}' cannot be a delimiter: letters, digits and spaces are data");
    }

    public bool IsDelimiter(char c) => c == Element || c == Repetition || c == Component || c == Segment;
}
