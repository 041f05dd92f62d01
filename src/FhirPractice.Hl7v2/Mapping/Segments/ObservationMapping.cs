using System.Globalization;
using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>OBX to Observation (IG OBX[Observation]), its value by the value type OBX-2.</summary>
internal static class ObservationMapping
{
    // IG concept map ObservationResultStatusCodesInterpretation (HL7 table 0085); the codes it leaves unmapped
    // (B, I, N, O, R, S, U, V) are "unknown".
    private static readonly Dictionary<string, ObservationStatus> Statuses = new()
    {
        ["A"] = ObservationStatus.Amended, ["C"] = ObservationStatus.Corrected, ["D"] = ObservationStatus.EnteredInError,
        ["F"] = ObservationStatus.Final, ["P"] = ObservationStatus.Preliminary, ["X"] = ObservationStatus.Cancelled,
        ["W"] = ObservationStatus.EnteredInError,
    };

    private static readonly Dictionary<string, Hl7.Fhir.Model.Quantity.QuantityComparator> Comparators = new()
    {
        ["<"] = Hl7.Fhir.Model.Quantity.QuantityComparator.LessThan, ["<="] = Hl7.Fhir.Model.Quantity.QuantityComparator.LessOrEqual,
        [">"] = Hl7.Fhir.Model.Quantity.QuantityComparator.GreaterThan, [">="] = Hl7.Fhir.Model.Quantity.QuantityComparator.GreaterOrEqual,
    };

    /// <summary>
    /// The Observation of an OBX. Its id is derived from <paramref name="groupKey"/> (the filler order number
    /// of its OBR, or what else identifies the group) and OBX-1/OBX-4 unless OBX-21 gives it an identifier,
    /// so a corrected result (OBX-11 C) replaces the preliminary one.
    /// </summary>
    public static ResourceReference Map(V2Segment obx, MappingContext context, string?[] groupKey, FhirDateTime? orderTime, IEnumerable<Annotation> notes)
    {
        var dates = context.Dates;
        var observation = new Observation
        {
            Subject = context.Patient,
            Encounter = context.Encounter,
            Code = Codes.FromCwe(obx.Required(3, "Observation Identifier"))!,                     // OBX-3
            Status = obx[11] is { } status && Statuses.TryGetValue(status, out var s) ? s : ObservationStatus.Unknown, // OBX-11
            Effective = dates.DateTime(obx.Field(14)) ?? orderTime,                                // OBX-14, else OBR-7
            Method = Codes.FromCwe(obx.Field(17)),                                                 // OBX-17
            BodySite = Codes.FromCwe(obx.Field(20)),                                               // OBX-20
            Value = Value(obx, context),                                                           // OBX-2, OBX-5, OBX-6
        };
        if (obx[7] is { } range) observation.ReferenceRange.Add(new Observation.ReferenceRangeComponent { Text = range }); // OBX-7
        foreach (var flag in obx.Repetitions(8))                                                   // OBX-8
            if (Codes.FromCwe(flag, "http://terminology.hl7.org/CodeSystem/v2-0078") is { } interpretation) observation.Interpretation.Add(interpretation);
        foreach (var xcn in obx.Repetitions(16))                                                   // OBX-16
            if (Practitioners.Reference(xcn, context) is { } performer) observation.Performer.Add(performer);
        if (Organizations.FromXon(obx.Field(23), context) is { } lab) observation.Performer.Add(lab); // OBX-23
        observation.Note.AddRange(notes);                                                          // NTE after the OBX
        var identifier = Identifiers.FromEi(obx.Field(21), context);                               // OBX-21
        if (identifier is not null) observation.Identifier.Add(identifier);

        return identifier is not null
            ? context.Transaction.PutByIdentifier(observation, identifier)
            : context.Transaction.PutByKey(observation, [.. groupKey, obx[1], obx[4], obx[3]]);
    }

    /// <summary>OBX-5 as value[x] by OBX-2; a value that does not parse as its type is refused (102, naming OBX-5).</summary>
    private static DataType? Value(V2Segment obx, MappingContext context)
    {
        var values = obx.Repetitions(5).ToList();
        if (values.Count == 0) return null;
        var value = values[0];
        var type = obx[2];
        if (type is null)
        {
            context.Warn(obx.At(2), "OBX-5 is valued but OBX-2 (value type) is empty: the value is kept as text");
            type = "ST";
        }
        switch (type)
        {
            case "NM":
                return Quantity(Number(value[1], value.At), obx.Field(6));
            case "ST" or "TX" or "FT":
                return new FhirString(string.Join("\n", values.Select(Text)));
            case "CE" or "CWE" or "CNE" or "CF":
                return Codes.FromCwe(value);
            case "IS" or "ID":
                return new CodeableConcept { Coding = [new Coding(null, value[1])] };
            case "DT" or "TS" or "DTM":
                return context.Dates.DateTime(value);
            case "TM":
                return new Time(Time(value[1]!, value.At));
            case "SN":
                return Structured(value, obx.Field(6));
            case "NR":
                return new Hl7.Fhir.Model.Range { Low = Quantity(Number(value[1], value.At), obx.Field(6)), High = Quantity(Number(value[2], value.At), obx.Field(6)) };
            case "NA":
                var numbers = Enumerable.Range(1, 64).Select(n => value[n]).TakeWhile(v => v is not null).Select(v => Number(v, value.At)).ToList();
                return new SampledData
                {
                    Origin = new Hl7.Fhir.Model.Quantity { Value = 0 }, Period = 0, Dimensions = 1,
                    Data = string.Join(" ", numbers.Select(n => n.ToString(CultureInfo.InvariantCulture))),
                };
            default:
                context.Warn(obx.At(2), $"value type {type} is not mapped to a FHIR value: OBX-5 is kept as text");
                return new FhirString(Text(value));
        }
    }

    private static string Text(V2Value value) =>
        string.Join("^", Enumerable.Range(1, 32).Select(n => value[n]).Reverse().SkipWhile(v => v is null).Reverse().Select(v => v ?? ""));

    private static decimal Number(string? text, FieldLocation at) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw V2Segment.DataTypeError(at, $"'{text}' is not a number (NM)");

    private static string Time(string text, FieldLocation at)
    {
        var digits = text.Split('+', '-')[0];
        if (digits.Length < 2 || !digits.All(char.IsDigit) || digits.Length > 6)
            throw V2Segment.DataTypeError(at, $"'{text}' is not a time (TM)");
        digits = digits.PadRight(6, '0');
        return $"{digits[..2]}:{digits[2..4]}:{digits[4..6]}";
    }

    /// <summary>NM with OBX-6 units: UCUM when OBX-6.3 says so, else the unit's code system; without a system, the unit as text only.</summary>
    private static Hl7.Fhir.Model.Quantity Quantity(decimal number, V2Value? units, Hl7.Fhir.Model.Quantity.QuantityComparator? comparator = null)
    {
        var quantity = new Hl7.Fhir.Model.Quantity { Value = number, Comparator = comparator };
        if (units?[1] is { } code)                                                                 // OBX-6
        {
            quantity.Unit = units[2] ?? code;
            if (units[3] is { } system) { quantity.System = Codes.SystemFor(system); quantity.Code = code; }
        }
        return quantity;
    }

    // SN: comparator (SN.1), number (SN.2), separator or suffix (SN.3), number (SN.4) (IG SN[Quantity], SN[Range], SN[Ratio]).
    private static DataType Structured(V2Value sn, V2Value? units)
    {
        var comparator = sn[1];
        var first = sn[2] is { } a ? Number(a, sn.At) : (decimal?)null;
        var separator = sn[3];
        var second = sn[4] is { } b ? Number(b, sn.At) : (decimal?)null;
        if (first is { } n1 && second is { } n2)
            return separator switch
            {
                "-" => new Hl7.Fhir.Model.Range { Low = Quantity(n1, units), High = Quantity(n2, units) },
                ":" or "/" => new Ratio { Numerator = Quantity(n1, units), Denominator = Quantity(n2, null) },
                _ => new FhirString($"{comparator}{n1}{separator}{n2}"),
            };
        if (first is { } only && separator is null)
        {
            if (comparator is null or "=") return Quantity(only, units);
            if (Comparators.TryGetValue(comparator, out var c)) return Quantity(only, units, c);
        }
        return new FhirString(string.Concat(comparator, first?.ToString(CultureInfo.InvariantCulture), separator, second?.ToString(CultureInfo.InvariantCulture)));
    }
}
