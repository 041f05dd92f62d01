namespace FhirPractice.Hl7v2.Outbound;

/// <summary>What the queue does with a message the destination refused (AE/AR, CE/CR): a resend would be refused again.</summary>
public enum RejectedMessagePolicy
{
    /// <summary>Record it as failed (a dead letter) and go on with the next message.</summary>
    Skip,

    /// <summary>Record it as failed and send nothing more to that destination until staff retry it and the destination accepts it.</summary>
    Hold,
}

/// <summary>One EHR that receives messages over MLLP (<c>FhirPractice:Hl7v2:Outbound:Destinations:{name}</c>).</summary>
public sealed class OutboundDestination
{
    public string Host { get; set; } = "";

    public int Port { get; set; }

    /// <summary>MLLP over TLS; the server certificate is checked against the host name.</summary>
    public bool Tls { get; set; }

    /// <summary>The message kinds it receives, comma-separated: SIU (Appointment changes), ADT (Patient changes), ORU (DiagnosticReport versions, with their results), VXU (Immunization versions, for a registry).</summary>
    public string Events { get; set; } = "SIU,ADT";

    /// <summary>The ADT triggers for Patient writes: A08 (default), A04 or A28 — see <see cref="Outbound.PatientEvents"/>.</summary>
    public string PatientEvents { get; set; } = Outbound.PatientEvents.Updates;

    /// <summary>MSH-5 and MSH-6.</summary>
    public string? ReceivingApplication { get; set; }

    public string? ReceivingFacility { get; set; }

    /// <summary>
    /// Whether changes caused by this destination's own inbound messages are sent back to it. Off: a write caused by a
    /// message whose MSH-3 (and MSH-4, when <see cref="ReceivingFacility"/> is set) name this destination is not queued
    /// for it — an EHR that feeds us ADT does not get its own updates back, nor could the two ping-pong.
    /// </summary>
    public bool EchoOwnChanges { get; set; }

    /// <summary>Whether a write caused by a message from <paramref name="origin"/> (<c>application|facility</c>) stays away from this destination.</summary>
    public bool IsSourceOf(string? origin)
    {
        if (EchoOwnChanges || origin is null || ReceivingApplication is null) return false;
        var bar = origin.IndexOf('|');
        var (application, facility) = bar < 0 ? (origin, "") : (origin[..bar], origin[(bar + 1)..]);
        return application == ReceivingApplication && (ReceivingFacility is null || facility == ReceivingFacility);
    }

    public RejectedMessagePolicy OnRejected { get; set; } = RejectedMessagePolicy.Skip;
}

/// <summary>
/// Outbound HL7 v2 (<c>FhirPractice:Hl7v2:Outbound</c>): Appointment changes go as SIU, Patient changes as ADT (A08,
/// or as the destination's <see cref="OutboundDestination.PatientEvents"/> say), reports as ORU and vaccinations as VXU (v2.5.1) to every
/// destination that takes them, through a persistent queue. No destination, no queue.
/// </summary>
public sealed class OutboundOptions
{
    public const string SiuEvents = "SIU";
    public const string AdtEvents = "ADT";
    public const string OruEvents = "ORU";
    public const string VxuEvents = "VXU";

    public Dictionary<string, OutboundDestination> Destinations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>MSH-3 and MSH-4; MSH-3 is also the assigning authority of the server's own ids (PID-3, SCH-2).</summary>
    public string SendingApplication { get; set; } = "FHIRPRACTICE";

    public string? SendingFacility { get; set; }

    /// <summary>The wait after the first failed delivery (no connection, no answer, a garbled answer); it doubles with each further failure.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle destination looks at its queue without being woken by a write (writes on other nodes, retries by staff).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for the ACK.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The destinations that take <paramref name="kind"/> (SIU, ADT, ORU or VXU).</summary>
    public IEnumerable<string> DestinationsFor(string kind) =>
        Destinations.Where(d => Kinds(d.Value).Contains(kind)).Select(d => d.Key);

    /// <summary>Throws at start for a destination that cannot work, rather than queueing messages that can never be sent.</summary>
    public void Validate()
    {
        foreach (var (name, d) in Destinations)
        {
            if (string.IsNullOrWhiteSpace(d.Host)) throw new InvalidOperationException($"Hl7v2:Outbound:Destinations:{name}:Host is not set");
            if (d.Port is < 1 or > 65535) throw new InvalidOperationException($"Hl7v2:Outbound:Destinations:{name}:Port must be 1 to 65535");
            if (Kinds(d).FirstOrDefault(k => k is not (SiuEvents or AdtEvents or OruEvents or VxuEvents)) is { } unknown)
                throw new InvalidOperationException($"Hl7v2:Outbound:Destinations:{name}:Events: '{unknown}' is not SIU, ADT, ORU or VXU");
            if (!Outbound.PatientEvents.All.Contains(d.PatientEvents))
                throw new InvalidOperationException($"Hl7v2:Outbound:Destinations:{name}:PatientEvents: '{d.PatientEvents}' is not one of {string.Join(", ", Outbound.PatientEvents.All)}");
        }
        if (InitialRetryDelay <= TimeSpan.Zero || MaxRetryDelay < InitialRetryDelay)
            throw new InvalidOperationException("Hl7v2:Outbound: InitialRetryDelay must be positive and at most MaxRetryDelay");
    }

    private static IEnumerable<string> Kinds(OutboundDestination d) =>
        d.Events.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e => e.ToUpperInvariant());
}
