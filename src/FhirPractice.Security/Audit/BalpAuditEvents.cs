using System.Text;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>
/// Builds AuditEvents following the IHE BALP profiles (<see cref="BalpCodes"/>): type rest with the interaction as
/// subtype, the action, the outcome, the agents (the client app as Source Role ID with its network address, this
/// server as Destination Role ID, the user with fhirUser and subject), this server as source, and the entities: the
/// resource touched, the patient (role 1), the query as base64.
/// </summary>
public sealed class BalpAuditEvents(AuditOptions options)
{
    /// <param name="data">References of the resources touched (versioned where a version is known).</param>
    /// <param name="patient">The patient this event is about (one: BALP's patient slice is 1..1), or null.</param>
    /// <param name="writeMethod">For one write of a transaction: its method, which decides subtype and action.</param>
    public AuditEvent Interaction(InteractionContext context, DateTimeOffset recorded, IEnumerable<string> data, string? patient,
        bool withQuery, string? writeMethod = null)
    {
        var interaction = writeMethod switch
        {
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => context.Interaction.Code,
        };
        var e = new AuditEvent
        {
            Type = BalpCodes.Rest,
            Action = BalpCodes.Action(interaction),
            Recorded = recorded,
            Outcome = Outcome(context),
            OutcomeDesc = Description(context),
            Source = Source(),
        };
        if (context.Interaction.Parent is { } parent && writeMethod is null)
            e.Subtype.Add(new Coding(RestfulInteraction.System, parent));
        e.Subtype.Add(new Coding(RestfulInteraction.System, interaction));
        if (context.Interaction.Operation is { } operation && writeMethod is null)
            e.Subtype.Add(new Coding("http://fhirpractice.org/fhir/CodeSystem/operation", operation));
        e.Agent.AddRange(Agents(context.Request.Caller, context.Request.BaseUrl));
        foreach (var what in data) e.Entity.Add(Data(what));
        if (withQuery) e.Entity.Add(Query(context.Request));
        if (patient is not null) e.Entity.Add(Patient(patient));
        if (context.Request.RequestId is { } requestId) e.Entity.Add(RequestId(requestId));
        if (context.Succeeded && BalpCodes.Profile(interaction, patient is not null) is { } profile)
            e.Meta = new Meta { Profile = [profile] };
        return e;
    }

    /// <summary>A login, logout or token event reported by the authorization server (<see cref="IAuditTrail.RecordAsync"/>).</summary>
    public AuditEvent Security(SecurityEvent s, DateTimeOffset recorded)
    {
        var e = new AuditEvent
        {
            Type = BalpCodes.UserAuthentication,
            Subtype = [SecurityEvent.Subtype(s.Kind)],
            Action = AuditEvent.AuditEventAction.E,
            Recorded = recorded,
            Outcome = s.Succeeded ? AuditEvent.AuditEventOutcome.N0 : AuditEvent.AuditEventOutcome.N4,
            OutcomeDesc = s.Description,
            Source = Source(),
        };
        e.Agent.AddRange(Agents(s.Caller, null));
        if (s.Patient is { } patient) e.Entity.Add(Patient(patient));
        return e;
    }

    /// <summary>
    /// A request to a staff endpoint (<see cref="IAuditTrail.RecordAsync(StaffAccess, CancellationToken)"/>): read (R) for a
    /// GET of one item, execute (E) for a list or a POST (replay, retry); the URL as the query entity, the request id.
    /// The patients whose data it showed are named as BALP names them, one to an AuditEvent: a read of one patient's
    /// item is one AuditEvent with that patient; otherwise one for the request and one more per patient (PatientQuery).
    /// </summary>
    public IEnumerable<AuditEvent> Staff(StaffAccess a, DateTimeOffset recorded)
    {
        var read = a.Method == "GET" && a.Endpoint.EndsWith('}');
        var patients = a.Patients ?? [];
        if (read && patients.Count == 1)
        {
            yield return Staff(a, recorded, read, patients[0]);
            yield break;
        }
        yield return Staff(a, recorded, read, null);
        foreach (var patient in patients) yield return Staff(a, recorded, read, patient);
    }

    private AuditEvent Staff(StaffAccess a, DateTimeOffset recorded, bool read, string? patient)
    {
        var e = new AuditEvent
        {
            Type = BalpCodes.PatientRecord,
            Subtype = [new Coding(BalpCodes.StaffEndpointSystem, a.Endpoint)],
            Action = read ? AuditEvent.AuditEventAction.R : AuditEvent.AuditEventAction.E,
            Recorded = recorded,
            Outcome = Outcome(a.Status),
            OutcomeDesc = a.Status < 400 ? null : $"{a.Status}{(a.Description is { } d ? "; " + d : "")}",
            Source = Source(),
        };
        e.Agent.AddRange(Agents(a.Caller, null));
        if (patient is not null) e.Entity.Add(Patient(patient));
        e.Entity.Add(Query(a.Url));
        e.Entity.Add(RequestId(a.RequestId));
        return e;
    }

    private static AuditEvent.AuditEventOutcome Outcome(InteractionContext c) => Outcome((int)c.Status);

    private static AuditEvent.AuditEventOutcome Outcome(int status) => status switch
    {
        < 400 => AuditEvent.AuditEventOutcome.N0,
        < 500 => AuditEvent.AuditEventOutcome.N4,
        _ => AuditEvent.AuditEventOutcome.N8,
    };

    /// <summary>A failure's status and the OperationOutcome's diagnostics.</summary>
    private static string? Description(InteractionContext c)
    {
        if (c.Succeeded) return null;
        var issues = c.Failure?.Issue.Select(i => i.Diagnostics).Where(d => !string.IsNullOrEmpty(d)) ?? [];
        return string.Join("; ", [$"{(int)c.Status}", .. issues]);
    }

    private AuditEvent.SourceComponent Source() => new()
    {
        Site = options.Site,
        Observer = Server(),
        Type = [BalpCodes.ApplicationServer],
    };

    private ResourceReference Server() => new() { Identifier = new Identifier(BalpCodes.ServerSystem, options.ServerName), Display = options.ServerName };

    /// <summary>
    /// The client (or, for an internal caller, the door it came through), this server, and the user when the token
    /// names one. The user is the requestor; without a user the client is (a backend service, the HL7 v2 bridge).
    /// </summary>
    private IEnumerable<AuditEvent.AgentComponent> Agents(FhirCaller caller, string? baseUrl)
    {
        var hasUser = caller.FhirUser is not null || (caller.Subject is not null && caller.Subject != caller.ClientId);
        var client = new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept { Coding = [BalpCodes.SourceRole] },
            Who = caller.IsInternal
                ? new ResourceReference { Identifier = new Identifier(BalpCodes.DoorSystem, caller.Door), Display = $"internal ({caller.Door})" }
                : caller.ClientId is { } clientId
                    ? new ResourceReference { Identifier = new Identifier(BalpCodes.ClientSystem, clientId) }
                    : new ResourceReference { Display = "anonymous" },
            Requestor = !hasUser,
        };
        if (caller.RemoteAddress is { } address)
            client.Network = new AuditEvent.NetworkComponent { Address = address, Type = BalpCodes.IpAddress };
        yield return client;
        yield return new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept { Coding = [BalpCodes.DestinationRole] },
            Who = Server(),
            Requestor = false,
            Network = baseUrl is null ? null : new AuditEvent.NetworkComponent { Address = baseUrl, Type = BalpCodes.Uri },
        };
        if (!hasUser) yield break;
        var who = new ResourceReference { Reference = caller.FhirUser };
        if (caller.Subject is { } subject) who.Identifier = new Identifier(BalpCodes.SubjectSystem, subject);
        yield return new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept { Coding = [BalpCodes.UserRole] },
            Who = who,
            AltId = caller.Subject,
            Requestor = true,
        };
    }

    private static AuditEvent.EntityComponent Data(string reference) => new()
    {
        What = new ResourceReference(reference),
        Type = BalpCodes.SystemObject,
        Role = BalpCodes.DomainResourceRole,
    };

    private static AuditEvent.EntityComponent Patient(string id) => new()
    {
        What = new ResourceReference($"Patient/{id}"),
        Type = BalpCodes.Person,
        Role = BalpCodes.PatientRole,
    };

    /// <summary>The query as the client sent it: the URL with its parameters (a POST _search's form body included).</summary>
    private static AuditEvent.EntityComponent Query(FhirRequest r)
    {
        var parameters = string.Join('&', r.Query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        if (r.Method == "POST" && !r.Body.IsEmpty) parameters += (parameters.Length == 0 ? "" : "&") + Encoding.UTF8.GetString(r.Body.Span);
        return Query($"{r.BaseUrl}/{r.Path}" + (parameters.Length == 0 ? "" : "?" + parameters));
    }

    private static AuditEvent.EntityComponent Query(string url) => new()
    {
        Type = BalpCodes.SystemObject,
        Role = BalpCodes.QueryRole,
        Query = Encoding.UTF8.GetBytes(url),
    };

    private static AuditEvent.EntityComponent RequestId(string id) => new()
    {
        What = new ResourceReference { Identifier = new Identifier { Value = id } },
        Type = BalpCodes.RequestIdType,
    };
}
