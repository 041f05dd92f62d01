using System.Text;

namespace FhirPractice.Billing.X12;

/// <summary>Who exchanges an interchange: the ISA/GS sender and receiver, and whether it is test or production.</summary>
public sealed record X12Parties(string SenderQualifier, string SenderId, string ReceiverQualifier, string ReceiverId, bool Production = false)
{
    /// <summary>GS02/GS03 application codes; the interchange ids when not given.</summary>
    public string? ApplicationSender { get; init; }
    public string? ApplicationReceiver { get; init; }
}

/// <summary>
/// Writes one interchange: ISA/GS/ST … SE/GE/IEA with the counts and control numbers the trailers need,
/// kept by the writer so callers cannot get them wrong. Element values must not hold a delimiter (X12 has
/// no escape): such a value is refused, naming the segment.
/// </summary>
public sealed class X12Writer
{
    private readonly StringBuilder _text = new();
    private readonly X12Delimiters _d;
    private readonly string _interchangeControl;
    private int _groups, _transactionsInGroup, _segmentsInTransaction;
    private string? _groupControl, _transactionControl;

    public X12Writer(X12Parties parties, long interchangeControl, DateTimeOffset at, X12Delimiters? delimiters = null)
    {
        _d = delimiters ?? X12Delimiters.Default;
        _d.Check();
        _interchangeControl = interchangeControl.ToString("D9");
        Parties = parties;
        At = at;
        Raw("ISA", "00", new string(' ', 10), "00", new string(' ', 10), Fixed(parties.SenderQualifier, 2), Fixed(parties.SenderId, 15),
            Fixed(parties.ReceiverQualifier, 2), Fixed(parties.ReceiverId, 15), at.ToString("yyMMdd"), at.ToString("HHmm"), _d.Repetition.ToString(),
            "00501", _interchangeControl, "0", parties.Production ? "P" : "T", _d.Component.ToString());
    }

    public X12Parties Parties { get; }
    public DateTimeOffset At { get; }
    public X12Delimiters Delimiters => _d;

    public void BeginGroup(string functionalId, long groupControl, string version)
    {
        if (_groupControl is not null) throw new InvalidOperationException("GS inside an open functional group");
        _groupControl = groupControl.ToString();
        _transactionsInGroup = 0;
        Raw("GS", functionalId, Parties.ApplicationSender ?? Parties.SenderId.Trim(), Parties.ApplicationReceiver ?? Parties.ReceiverId.Trim(),
            At.ToString("yyyyMMdd"), At.ToString("HHmm"), _groupControl, "X", version);
    }

    public void BeginTransaction(string code, int transactionControl, string implementation)
    {
        if (_groupControl is null || _transactionControl is not null) throw new InvalidOperationException("ST needs an open group and no open transaction set");
        _transactionControl = transactionControl.ToString("D4");
        _segmentsInTransaction = 0;
        Segment("ST", code, _transactionControl, implementation);
    }

    /// <summary>A segment of the open transaction set; trailing empty elements are left out.</summary>
    public void Segment(string id, params string?[] elements)
    {
        if (_transactionControl is null) throw new InvalidOperationException($"{id} outside a transaction set");
        var last = elements.Length;
        while (last > 0 && string.IsNullOrEmpty(elements[last - 1])) last--;
        _text.Append(id);
        for (var i = 0; i < last; i++)
        {
            _text.Append(_d.Element);
            var value = elements[i] ?? "";
            foreach (var c in value)
                if (c == _d.Element || c == _d.Segment || c == _d.Repetition || c == '\r' || c == '\n')
                    throw new ArgumentException($"{id}{i + 1:00} '{value}' holds a delimiter or a line break");
            _text.Append(value);
        }
        _text.Append(_d.Segment).Append('\n');
        _segmentsInTransaction++;
    }

    /// <summary>Components of one composite element (e.g. SV101 HC:99213:25), trailing empty ones left out.</summary>
    public string Composite(params string?[] components)
    {
        var last = components.Length;
        while (last > 0 && string.IsNullOrEmpty(components[last - 1])) last--;
        foreach (var c in components.Take(last))
            if (c is not null && c.Contains(_d.Component)) throw new ArgumentException($"'{c}' holds the component separator '{_d.Component}'");
        return string.Join(_d.Component, components.Take(last));
    }

    public void EndTransaction()
    {
        if (_transactionControl is null) throw new InvalidOperationException("SE without ST");
        Segment("SE", (_segmentsInTransaction + 1).ToString(), _transactionControl);
        _transactionControl = null;
        _transactionsInGroup++;
    }

    public void EndGroup()
    {
        if (_groupControl is null || _transactionControl is not null) throw new InvalidOperationException("GE needs an open group and no open transaction set");
        Raw("GE", _transactionsInGroup.ToString(), _groupControl);
        _groupControl = null;
        _groups++;
    }

    /// <summary>The interchange with its IEA.</summary>
    public string Finish()
    {
        if (_groupControl is not null) throw new InvalidOperationException("IEA with an open group");
        Raw("IEA", _groups.ToString(), _interchangeControl);
        return _text.ToString();
    }

    private void Raw(string id, params string[] elements)
    {
        _text.Append(id);
        foreach (var e in elements) _text.Append(_d.Element).Append(e);
        _text.Append(_d.Segment).Append('\n');
    }

    private static string Fixed(string value, int width) => value.Length > width ? value[..width] : value.PadRight(width);
}
