using System.Text;
using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>TXA with its OBX content to DocumentReference (IG TXA[DocumentReference], OBX[DocumentReference]).</summary>
internal static class DocumentReferenceMapping
{
    // HL7 table 0271 document completion status → DocumentReference.docStatus.
    private static readonly Dictionary<string, CompositionStatus> Completion = new()
    {
        ["AU"] = CompositionStatus.Final, ["LA"] = CompositionStatus.Final, ["DO"] = CompositionStatus.Final,
        ["DI"] = CompositionStatus.Preliminary, ["IN"] = CompositionStatus.Preliminary, ["IP"] = CompositionStatus.Preliminary,
        ["PA"] = CompositionStatus.Preliminary,
    };

    /// <summary>
    /// The document of a TXA, matched by its unique document number (TXA-12, the master identifier), else by the
    /// patient and the document's origination time and type. Its content is the OBXs' (text as one UTF-8
    /// attachment, ED as its data, RP as a url); a notification without content (T01, T03, T05, T07, T09, T11)
    /// keeps the content <paramref name="stored"/> has. <paramref name="cancelled"/> (T11) makes it entered-in-error.
    /// </summary>
    public static ResourceReference Map(V2Segment txa, IReadOnlyList<V2Segment> obxs, DocumentReference? stored, bool cancelled,
        DocumentRelationshipType? relation, IEnumerable<ResourceReference> orders, MappingContext context)
    {
        var dates = context.Dates;
        var type = Codes.FromCwe(txa.Required(2, "Document Type"))!;                                   // TXA-2
        var number = Identifiers.FromEi(txa.Field(12), context);                                       // TXA-12
        var document = new DocumentReference
        {
            MasterIdentifier = number,
            Subject = context.Patient,
            Type = type,
            Date = dates.Instant(txa.Field(6))?.Value ?? dates.Instant(txa.Field(4))?.Value,           // TXA-6, else TXA-4
            Description = txa[25],                                                                     // TXA-25
            Status = cancelled || txa[19] == "CA" ? DocumentReferenceStatus.EnteredInError             // TXA-19 (IG: AV current)
                : txa[19] == "OB" ? DocumentReferenceStatus.Superseded : DocumentReferenceStatus.Current,
        };
        if (txa[17] is { } completion && Completion.TryGetValue(completion, out var docStatus)) document.DocStatus = docStatus; // TXA-17
        foreach (var xcn in txa.Repetitions(9))                                                        // TXA-9
            if (Practitioners.Reference(xcn, context) is { } author) document.Author.Add(author);
        document.Authenticator = Practitioners.Reference(txa.Field(10), context);                     // TXA-10
        if (txa[16] is { } fileName) document.Identifier.Add(new Identifier(Identifiers.SystemOf(context.Sender, context.Options), fileName)); // TXA-16
        if (relation is not null && Identifiers.FromEi(txa.Field(13), context) is { } parent)         // TXA-13 parent document
            document.RelatesTo.Add(new DocumentReference.RelatesToComponent { Code = relation.Value, Target = new ResourceReference { Identifier = parent } });
        var related = orders.ToList();
        if (context.Encounter is not null || related.Count > 0)
            document.Context = new DocumentReference.ContextComponent { Encounter = context.Encounter is null ? [] : [context.Encounter], Related = related };

        document.Content.AddRange(Content(obxs, txa[3]));                                             // OBX-5, TXA-3
        if (document.Content.Count == 0 && stored is not null) document.Content.AddRange(stored.Content.Select(c => (DocumentReference.ContentComponent)c.DeepCopy()));
        if (document.Content.Count == 0)                                                               // content is required: say it was not sent
            document.Content.Add(new DocumentReference.ContentComponent { Attachment = new Attachment { Title = txa[25] ?? txa[16] ?? "document content not sent with the notification" } });

        if (stored is not null) return context.Transaction.Put(document, $"DocumentReference/{stored.Id}");
        return number is not null
            ? context.Transaction.PutByIdentifier(document, number)
            : context.Transaction.PutByKey(document, [.. context.PatientKey, txa[6] ?? txa[4], type.Coding.FirstOrDefault()?.Code ?? type.Text]);
    }

    // IG OBX[DocumentReference]: TX/FT/ST lines as one text attachment, ED (OBX-5.2/.3 the type, .4 the encoding, .5 the data), RP a url.
    private static IEnumerable<DocumentReference.ContentComponent> Content(IReadOnlyList<V2Segment> obxs, string? presentation)
    {
        var lines = new List<string>();
        foreach (var obx in obxs)
        {
            switch (obx[2])
            {
                case "ED" when obx.Field(5) is { } ed && ed[5] is { } data:
                    byte[] bytes;
                    try { bytes = ed[4]?.ToUpperInvariant() == "BASE64" ? Convert.FromBase64String(data) : Encoding.UTF8.GetBytes(data); }
                    catch (FormatException) { throw V2Segment.DataTypeError(obx.At(5), "ED data (OBX-5.5) is not Base64 as OBX-5.4 says"); }
                    yield return new DocumentReference.ContentComponent
                    {
                        Attachment = new Attachment { ContentType = MimeType(ed[2], ed[3]), Data = bytes },
                    };
                    break;
                case "RP" when obx[5] is { } url:
                    yield return new DocumentReference.ContentComponent { Attachment = new Attachment { Url = url, ContentType = MimeType(obx.Field(5)![3], obx.Field(5)![4]) } };
                    break;
                default:
                    lines.AddRange(obx.Repetitions(5).Select(v => v[1] ?? ""));
                    break;
            }
        }
        if (lines.Count > 0)
            // The IG's "application/text" is no registered media type: text/plain (presentation TXA-3 noted as its format).
            yield return new DocumentReference.ContentComponent
            {
                Attachment = new Attachment { ContentType = "text/plain; charset=utf-8", Data = Encoding.UTF8.GetBytes(string.Join("\n", lines)) },
                Format = presentation is null ? null : new Coding(Codes.V2Table("0191"), presentation),
            };
    }

    // ED type of data (table 0191: AP application, IM image, TEXT…) and subtype, as a media type.
    private static string? MimeType(string? type, string? subtype)
    {
        var major = type?.ToUpperInvariant() switch { "AP" or "APPLICATION" => "application", "IM" or "IMAGE" => "image", "TEXT" or "TX" => "text", "AU" or "AUDIO" => "audio", _ => null };
        return major is null || subtype is null ? null : $"{major}/{subtype.ToLowerInvariant()}";
    }
}
