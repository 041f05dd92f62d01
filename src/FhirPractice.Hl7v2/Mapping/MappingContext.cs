using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mllp;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping;

/// <summary>What the mappings of one message share: its segments, its dates, the transaction being built and the warnings.</summary>
internal sealed class MappingContext
{
    public MappingContext(Er7Message message, IFhirLookup lookup, MappingOptions options)
    {
        Message = message;
        Lookup = lookup;
        Options = options;
        var seen = new Dictionary<string, int>();
        foreach (var segment in message.Segments)
            Segments.Add(new V2Segment(segment, seen[segment.Id] = seen.GetValueOrDefault(segment.Id) + 1, message));
        Header = Segments[0];
        Dates = new V2DateTimes(options.PracticeTimeZone, V2DateTimes.OffsetOf(Header[7]));
    }

    public Er7Message Message { get; }
    public IFhirLookup Lookup { get; }
    public MappingOptions Options { get; }

    /// <summary>Every segment in message order.</summary>
    public List<V2Segment> Segments { get; } = [];

    /// <summary>The MSH.</summary>
    public V2Segment Header { get; }

    public V2DateTimes Dates { get; }
    public MessageTransaction Transaction { get; } = new();
    public List<AckError> Warnings { get; } = [];

    /// <summary>The Patient entry of this message, that the other resources point at: the PID is mapped first.</summary>
    public ResourceReference Patient
    {
        get => _patient ?? throw new InvalidOperationException("The PID is mapped before the resources that refer to the patient");
        set => _patient = value;
    }

    private ResourceReference? _patient;

    /// <summary>The identifier the Patient is matched by; part of the stable ids of resources that belong to the patient.</summary>
    public Identifier? PatientIdentifier { get; set; }

    /// <summary>The id of the stored Patient an updating PID matched, or null (a new patient, or a PID that only creates).</summary>
    public string? StoredPatientId { get; set; }

    /// <summary>The Encounter of this message (PV1), if it describes one, and what identifies it among the patient's.</summary>
    public ResourceReference? Encounter { get; set; }
    public string? EncounterKey { get; set; }

    public V2Segment? First(string id) => Segments.FirstOrDefault(s => s.Id == id);

    /// <summary>The first segment with this id; a message without one is in error (code 100, segment sequence error).</summary>
    public V2Segment Require(string id) => First(id) ?? throw new MappingException(
        new AckError(id, 1, null, "100", "Segment sequence error", Diagnostic: $"The message has no {id} segment"));

    public IEnumerable<V2Segment> All(string id) => Segments.Where(s => s.Id == id);

    /// <summary>The run of segments right after <paramref name="segment"/> whose ids are <paramref name="ids"/> (a PID's PD1, ARV and ROLs).</summary>
    public IEnumerable<V2Segment> Following(V2Segment segment, params string[] ids) =>
        Segments.Skip(Segments.IndexOf(segment) + 1).TakeWhile(s => ids.Contains(s.Id));

    /// <summary>
    /// The groups a segment starts: each <paramref name="head"/> with the segments after it up to the next one
    /// (a PID and its visit, an MRG and its PV1, an RXE and its RXR…). Segments before the first head belong to none.
    /// </summary>
    public IEnumerable<(V2Segment Head, List<V2Segment> Members)> Groups(string head, params string[] endsAt)
    {
        (V2Segment Head, List<V2Segment> Members)? group = null;
        foreach (var segment in Segments)
        {
            if (segment.Id == head || endsAt.Contains(segment.Id))
            {
                if (group is not null) yield return group.Value;
                group = segment.Id == head ? (segment, []) : null;
            }
            else group?.Members.Add(segment);
        }
        if (group is not null) yield return group.Value;
    }

    /// <summary>The sending facility (MSH-4), else the sending application (MSH-3): the authority of identifiers that name none.</summary>
    public V2Value? Sender => SenderOf(Header);

    public static V2Value? SenderOf(V2Segment msh) => msh.Field(4) ?? msh.Field(3);

    public void Warn(FieldLocation at, string diagnostic, string code = "207") =>
        Warnings.Add(new AckError(at.SegmentId, at.SegmentSequence, at.Field, code, Severity: "W", Diagnostic: diagnostic));

    /// <summary>The patient key for <see cref="MessageTransaction.StableId"/>: system and value of the matching identifier.</summary>
    public string?[] PatientKey => [PatientIdentifier?.System, PatientIdentifier?.Value];
}
