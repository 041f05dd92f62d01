using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>ORC and OBR to ServiceRequest (IG ORC[ServiceRequest], OBR[ServiceRequest]).</summary>
internal static class ServiceRequestMapping
{
    // IG concept map OrderControlCode[ServiceRequest.status] (HL7 table 0119).
    private static readonly Dictionary<string, RequestStatus> ControlStatuses = new()
    {
        ["AF"] = RequestStatus.Active, ["CA"] = RequestStatus.Active, ["CR"] = RequestStatus.Revoked, ["DC"] = RequestStatus.Active,
        ["DF"] = RequestStatus.Revoked, ["DR"] = RequestStatus.Revoked, ["FU"] = RequestStatus.Completed, ["HD"] = RequestStatus.Active,
        ["HR"] = RequestStatus.OnHold, ["NW"] = RequestStatus.Active, ["OC"] = RequestStatus.Revoked, ["OD"] = RequestStatus.Revoked,
        ["OH"] = RequestStatus.OnHold, ["OK"] = RequestStatus.Active, ["PR"] = RequestStatus.Active, ["PY"] = RequestStatus.Active,
        ["RL"] = RequestStatus.Active, ["RO"] = RequestStatus.Active, ["RQ"] = RequestStatus.Active,
    };

    // IG concept map OrderStatus (HL7 table 0038), which wins over the control code when given.
    private static readonly Dictionary<string, RequestStatus> OrderStatuses = new()
    {
        ["A"] = RequestStatus.Active, ["CA"] = RequestStatus.Revoked, ["CM"] = RequestStatus.Completed, ["DC"] = RequestStatus.Revoked,
        ["ER"] = RequestStatus.EnteredInError, ["HD"] = RequestStatus.OnHold, ["IP"] = RequestStatus.Active, ["RP"] = RequestStatus.Revoked,
        ["SC"] = RequestStatus.Active,
    };

    /// <summary>The placer (ORC-2, else OBR-2) and filler (ORC-3, else OBR-3) order numbers, typed PLAC and FILL.</summary>
    public static (Identifier? Placer, Identifier? Filler) OrderNumbers(V2Segment? orc, V2Segment? obr, MappingContext context)
    {
        var placer = Identifiers.FromEi(orc?.Field(2) ?? obr?.Field(2), context);                   // ORC-2 / OBR-2
        var filler = Identifiers.FromEi(orc?.Field(3) ?? obr?.Field(3), context);                   // ORC-3 / OBR-3
        if (placer is not null) placer.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "PLAC");
        if (filler is not null) filler.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "FILL");
        return (placer, filler);
    }

    /// <summary>The status of an order: ORC-5 (order status) when given, else what ORC-1 (order control) implies, else active.</summary>
    public static RequestStatus StatusOf(V2Segment? orc) =>
        orc?[5] is { } orderStatus && OrderStatuses.TryGetValue(orderStatus, out var byOrder) ? byOrder                   // ORC-5
        : orc?[1] is { } control && ControlStatuses.TryGetValue(control, out var byControl) ? byControl                 // ORC-1
        : RequestStatus.Active;

    /// <summary>
    /// The order of an ORC (and its OBR, when it has one). Matched by the placer order number, else the
    /// filler's; an order with neither is matched by the patient and what is ordered (OBR-4) and when (OBR-7).
    /// </summary>
    public static ResourceReference Map(V2Segment? orc, V2Segment? obr, MappingContext context)
    {
        var (placer, filler) = OrderNumbers(orc, obr, context);
        var request = new ServiceRequest
        {
            Intent = RequestIntent.Order,
            Subject = context.Patient,
            Encounter = context.Encounter,
            Code = Codes.FromCwe(obr?.Field(4)),                                                    // OBR-4
            AuthoredOnElement = context.Dates.DateTime(orc?.Field(9)),                              // ORC-9
            Occurrence = context.Dates.DateTime(obr?.Field(7)),                                     // OBR-7
        };
        if (placer is not null) request.Identifier.Add(placer);
        if (filler is not null) request.Identifier.Add(filler);
        request.Status = StatusOf(orc);
        request.Requester = Practitioners.Reference(orc?.Field(12) ?? obr?.Field(16), context);   // ORC-12 / OBR-16
        var tq1 = TimingOf(orc ?? obr, context);
        if (tq1?[9] is { } timingPriority) request.Priority = Priority(timingPriority);          // TQ1-9 (v2.5+)
        else if (orc?.Field(7) is { } tq && tq[6] is { } priority) request.Priority = Priority(priority); // ORC-7.6 (TQ priority, before v2.5)
        else if (obr?[5] is { } obrPriority) request.Priority = Priority(obrPriority);          // OBR-5
        if (tq1 is not null) Timing(tq1, request, context);
        if (Codes.FromCwe(obr?.Field(31)) is { } reason) request.ReasonCode.Add(reason);         // OBR-31
        if (request.Code is null && orc?.Field(16) is { } orderReason) request.ReasonCode.Add(Codes.FromCwe(orderReason)!); // ORC-16

        if (placer is not null) return context.Transaction.PutByIdentifier(request, placer);
        if (filler is not null) return context.Transaction.PutByIdentifier(request, filler);
        return context.Transaction.PutByKey(request, [.. context.PatientKey, obr?[4], obr?[7], orc?[9]]);
    }

    /// <summary>The order's first TQ1: after its ORC (or OBR) and before the next order.</summary>
    private static V2Segment? TimingOf(V2Segment? order, MappingContext context) =>
        order is null ? null : context.Segments.Skip(context.Segments.IndexOf(order) + 1).TakeWhile(s => s.Id != "ORC").FirstOrDefault(s => s.Id == "TQ1");

    /// <summary>
    /// IG TQ1[ServiceRequest]: TQ1-7/8 the period it is to be done in (when OBR-7 does not say when it was), TQ1-14 how
    /// many times, TQ1-11 the text instruction as a note.
    /// </summary>
    private static void Timing(V2Segment tq1, ServiceRequest request, MappingContext context)
    {
        var start = context.Dates.DateTime(tq1.Field(7));                                          // TQ1-7
        var end = context.Dates.DateTime(tq1.Field(8));                                            // TQ1-8
        if (request.Occurrence is null && (start is not null || end is not null))
        {
            var repeat = new Timing.RepeatComponent { Bounds = new Period(start, end) };
            if (tq1[14] is { } count)                                                              // TQ1-14
                repeat.CountMax = int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n : throw V2Segment.DataTypeError(tq1.At(14), $"'{count}' is not a positive whole number");
            request.Occurrence = new Timing { Repeat = repeat };
        }
        if (tq1[11] is { } instruction) request.Note.Add(new Annotation { Text = new Markdown(instruction) }); // TQ1-11
    }

    private static RequestPriority? Priority(string v2) => v2 switch
    {
        "S" => RequestPriority.Stat, "A" => RequestPriority.Asap, "R" => RequestPriority.Routine, "T" => RequestPriority.Urgent,
        _ => null,
    };
}
