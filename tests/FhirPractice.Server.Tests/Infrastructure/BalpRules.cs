using System.Text;
using System.Text.Json.Nodes;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>
/// The IHE BALP 1.1 rules an AuditEvent of a RESTful interaction must meet, written down here from the profiles
/// (independently of the server's builder): what each violates, empty when it conforms.
/// </summary>
public static class BalpRules
{
    private const string Interaction = "http://hl7.org/fhir/restful-interaction";
    private const string Dcm = "http://dicom.nema.org/resources/ontology/DCM";

    public static IReadOnlyList<string> Violations(JsonNode e)
    {
        var problems = new List<string>();
        void Require(bool ok, string what) { if (!ok) problems.Add(what); }
        Require((string?)e["resourceType"] == "AuditEvent", "not an AuditEvent");
        var type = e["type"];
        // Not RESTful interactions: a security event (DCM 110114 User Authentication) and a staff endpoint's request
        // (DCM 110110 Patient Record: the raw HL7 v2 messages), both with a subtype of their own.
        var notRest = (string?)type?["system"] == Dcm && (string?)type?["code"] is "110114" or "110110";
        Require(notRest || ((string?)type?["system"] == "http://terminology.hl7.org/CodeSystem/audit-event-type" && (string?)type?["code"] == "rest"),
            "type is not audit-event-type#rest (nor DCM#110114 for a security event, DCM#110110 for a staff endpoint)");
        var subtypes = e["subtype"]?.AsArray().Select(s => ((string?)s!["system"], (string?)s!["code"])).ToList() ?? [];
        var interaction = subtypes.Where(s => s.Item1 == Interaction).Select(s => s.Item2).LastOrDefault();
        Require(notRest || interaction is not null, "no restful-interaction subtype");
        var action = (string?)e["action"];
        var expected = interaction switch
        {
            "create" => "C",
            "read" or "vread" => "R",
            "update" or "patch" => "U",
            "delete" => "D",
            "search-type" or "search-system" => "E",
            _ => null,
        };
        Require(action is "C" or "R" or "U" or "D" or "E", $"action '{action}'");
        if (expected is not null) Require(action == expected, $"action {action} for {interaction} (BALP: {expected})");
        Require(DateTimeOffset.TryParse((string?)e["recorded"], out _), "no recorded instant");
        var outcome = (string?)e["outcome"];
        Require(outcome is "0" or "4" or "8" or "12", $"outcome '{outcome}'");
        if (outcome is not "0") Require(!string.IsNullOrEmpty((string?)e["outcomeDesc"]), "a failure without outcomeDesc");

        var agents = e["agent"]?.AsArray() ?? [];
        JsonNode? Agent(string system, string code) => agents.FirstOrDefault(a =>
            a!["type"]?["coding"]?.AsArray().Any(c => (string?)c!["system"] == system && (string?)c!["code"] == code) == true);
        var client = Agent(Dcm, "110153");
        var server = Agent(Dcm, "110152");
        var user = Agent("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP");
        Require(client?["who"] is not null, "no agent:client (DCM 110153) with who");
        Require(server?["who"] is not null, "no agent:server (DCM 110152) with who");
        Require(agents.Count(a => (bool?)a!["requestor"] == true) >= 1, "no requestor agent");
        if (user is not null) Require((bool?)user["requestor"] == true, "agent:user is not the requestor");
        if (!notRest) Require((string?)server?["network"]?["address"] is { Length: > 0 }, "agent:server has no network address");
        Require(e["source"]?["observer"] is not null, "no source.observer");

        var entities = e["entity"]?.AsArray() ?? [];
        bool Role(JsonNode? entity, string code) => (string?)entity?["role"]?["system"] == "http://terminology.hl7.org/CodeSystem/object-role" && (string?)entity?["role"]?["code"] == code;
        var patients = entities.Where(x => Role(x, "1")).ToList();
        Require(patients.Count <= 1, "more than one patient entity (BALP: one per AuditEvent)");
        foreach (var p in patients)
        {
            Require(((string?)p!["what"]?["reference"])?.StartsWith("Patient/") == true, "patient entity is not a Patient reference");
            Require((string?)p["type"]?["code"] == "1", "patient entity type is not audit-entity-type#1");
        }
        var success = outcome == "0";
        if (interaction is "search-type" or "search-system")
        {
            var query = entities.FirstOrDefault(x => Role(x, "24"));
            Require(query?["query"] is not null, "a search without the query entity (role 24, base64 query)");
            if (query?["query"] is { } q) Require(Encoding.UTF8.GetString(Convert.FromBase64String((string)q!)).Length > 0, "empty query");
        }
        // A conditional write that matched nothing names its condition (the query entity) instead of a resource.
        var conditional = entities.Any(x => Role(x, "24"));
        if (success && !conditional && interaction is "read" or "vread" or "create" or "update" or "patch" or "delete")
            Require(entities.Any(x => Role(x, "4") && x!["what"]?["reference"] is not null), $"a {interaction} without the data entity (role 4)");
        if (success && !conditional && interaction is "create" or "update" or "patch")
            Require(entities.Any(x => Role(x, "4") && ((string?)x!["what"]?["reference"])?.Contains("/_history/") == true), "a write's data entity is not versioned");

        var profiles = e["meta"]?["profile"]?.AsArray().Select(p => (string?)p).ToList() ?? [];
        foreach (var profile in profiles.Where(p => p?.StartsWith("https://profiles.ihe.net/ITI/BALP/") == true))
            Require(profile!.Contains(".Patient") == (patients.Count == 1), $"profile {profile} but {patients.Count} patient entities");
        Require(e["extension"]?.AsArray().Any(x => ((string?)x!["url"])?.EndsWith("audit-chain-hash") == true) == true, "no chain hash");
        return problems;
    }

    /// <summary>The X-Request-Id entity's value, which ties the event to its request.</summary>
    public static string? RequestId(JsonNode e) => e["entity"]?.AsArray()
        .FirstOrDefault(x => (string?)x!["type"]?["code"] == "XrequestId")?["what"]?["identifier"]?["value"]?.GetValue<string>();
}
