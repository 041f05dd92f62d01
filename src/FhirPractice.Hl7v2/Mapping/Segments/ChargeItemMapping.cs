using System.Globalization;
using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// FT1 to ChargeItem, for billing. The IG has no FT1 map; the fields follow the FHIR ChargeItem mapping
/// to v2 (ChargeItem.code FT1-7, quantity FT1-10, occurrence FT1-4, priceOverride FT1-11, reason FT1-19,
/// performer FT1-20, enterer FT1-24), with what a claim needs besides: the procedure code FT1-25 leads the code (a
/// claim bills a charge's first coding), and the modifiers FT1-26 are the billing module's modifier extensions.
/// </summary>
internal static class ChargeItemMapping
{
    /// <summary>The billing module's extension for a procedure modifier on a ChargeItem (valueCode: 25, 59, 26…).</summary>
    private const string ModifierExtension = "urn:fhirpractice:billing:charge-modifier";

    /// <summary>A charge; matched by its transaction id (FT1-2), else by the patient, visit, date, code and FT1-1.</summary>
    public static ResourceReference? Map(V2Segment ft1, MappingContext context)
    {
        var code = Combined(Codes.FromCwe(ft1.Field(25)), Codes.FromCwe(ft1.Field(7)))             // FT1-25, then FT1-7
            ?? throw V2Segment.RequiredFieldMissing(ft1.At(7), "Transaction Code");
        var dates = context.Dates;
        var charge = new ChargeItem
        {
            Status = ft1[6] is "CD" or "PY" or "AJ" ? ChargeItem.ChargeItemStatus.Aborted : ChargeItem.ChargeItemStatus.Billable, // FT1-6 (credit, payment, adjustment are no charges)
            Code = code,
            Subject = context.Patient,
            Context = context.Encounter,
            EnteredDateElement = dates.DateTime(ft1.Field(5)),                                     // FT1-5
        };
        var occurred = ft1.Field(4);                                                               // FT1-4 (DR)
        var from = dates.DateTime(occurred?.Part(1).IsEmpty == false ? occurred.Part(1) : occurred);
        var to = occurred is null ? null : dates.DateTime(occurred.Part(2));
        charge.Occurrence = to is null ? from : new Period(from, to);
        if (ft1[10] is { } quantity)                                                               // FT1-10
            charge.Quantity = new Quantity { Value = Number(quantity, ft1.At(10)) };
        if (ft1.Field(11) is { } amount && amount.Part(1)[1] is { } price)                         // FT1-11 (CP: MO price, currency)
            charge.PriceOverride = new Money { Value = Number(price, ft1.At(11)), Currency = CurrencyOf(amount.Part(1)[2]) };
        foreach (var diagnosis in ft1.Repetitions(19))                                              // FT1-19
            if (Codes.FromCwe(diagnosis) is { } reason) charge.Reason.Add(reason);
        if (Practitioners.Reference(ft1.Field(20), context) is { } performer)                       // FT1-20
            charge.Performer.Add(new ChargeItem.PerformerComponent { Actor = performer });
        charge.Enterer = Practitioners.Reference(ft1.Field(24), context);                          // FT1-24
        foreach (var modifier in ft1.Repetitions(26))                                              // FT1-26
            if (modifier[1] is { } value) charge.Extension.Add(new Extension(ModifierExtension, new Code(value)));
        if (Codes.FromCwe(ft1.Field(13)) is { } department) charge.PerformingOrganization = new ResourceReference { Display = department.Coding.FirstOrDefault()?.Display ?? department.Text }; // FT1-13

        if (ft1[2] is { } transactionId)                                                           // FT1-2
        {
            var identifier = new Identifier(Identifiers.SystemOf(context.Sender, context.Options), transactionId);
            charge.Identifier.Add(identifier);
            return context.Transaction.PutByIdentifier(charge, identifier);
        }
        return context.Transaction.PutByKey(charge, [.. context.PatientKey, context.EncounterKey, ft1[4], code.Coding.FirstOrDefault()?.Code, ft1[1]]);
    }

    /// <summary>The procedure's codings, then those of the transaction code it does not repeat; either alone; null for neither.</summary>
    private static CodeableConcept? Combined(CodeableConcept? procedure, CodeableConcept? transaction)
    {
        if (procedure is null || transaction is null) return procedure ?? transaction;
        procedure.Coding.AddRange(transaction.Coding.Where(t => !procedure.Coding.Any(p => p.System == t.System && p.Code == t.Code)));
        procedure.Text ??= transaction.Text;
        return procedure;
    }

    private static decimal Number(string text, FieldLocation at) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n
            : throw V2Segment.DataTypeError(at, $"'{text}' is not a number");

    private static Money.Currencies? CurrencyOf(string? code) =>
        code is not null && Enum.TryParse<Money.Currencies>(code, ignoreCase: true, out var currency) ? currency : null;
}
