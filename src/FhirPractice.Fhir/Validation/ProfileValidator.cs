using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Terminology;
using IssueSeverity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;
using Task = System.Threading.Tasks.Task;

namespace FhirPractice.Fhir.Validation;

/// <summary>
/// Profile validation with the Firely validator over <see cref="ConformanceResources"/>. Construction is
/// cheap; the specification is loaded by <see cref="WarmUpAsync"/> (or by the first validation).
/// Terminology is local: value sets from the spec and profiles/ are expanded in memory; a binding whose
/// value set cannot be expanded is reported as a warning by the validator, not an error.
/// </summary>
public sealed class ProfileValidator(ProfileValidationOptions options) : IProfileValidator
{
    private const string CoreProfileBase = "http://hl7.org/fhir/StructureDefinition/";

    private readonly Lazy<Task<Loaded>> _loaded = new(() => Task.Run(() => Loaded.Start(options)));

    public Task WarmUpAsync() => _loaded.Value;

    public IReadOnlyCollection<string> ProfilesFor(Resource resource) =>
        DeclaredProfiles(resource).Concat(options.RequiredProfilesFor(resource)).Distinct(StringComparer.Ordinal).ToList();

    public async Task<OperationOutcome> ValidateAsync(Resource resource, IEnumerable<string> profiles,
        CancellationToken cancellationToken = default)
    {
        var loaded = await _loaded.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return loaded.Validate(resource, profiles.Distinct(StringComparer.Ordinal).ToList());
    }

    public async Task<OperationOutcome> ValidateForWriteAsync(Resource resource, CancellationToken cancellationToken = default)
    {
        var loaded = await _loaded.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        // Declared profiles need no listing here: Validate checks the known ones and warns about the rest.
        return loaded.Validate(resource, options.RequiredProfilesFor(resource));
    }

    private static IEnumerable<string> DeclaredProfiles(Resource resource) =>
        resource.Meta?.Profile?.OfType<string>().Where(p => p.Length > 0) ?? [];

    /// <summary>What warm-up produces: the resolvable resources and a validator compiled over them.</summary>
    private sealed class Loaded(ConformanceResources resources, Validator validator)
    {
        public static Loaded Start(ProfileValidationOptions options)
        {
            var resources = ConformanceResources.Load(options);
            var settings = new ValidationSettings
            {
                // The validator follows meta.profile by itself (also in contained resources and Bundle entries);
                // let it follow only the ones we hold. Unknown ones on the resource itself become warnings in Validate;
                // unknown ones deeper down are ignored.
                SelectValidationProfiles = (_, declared, _, _) => declared.Where(p => resources.DefinesProfile(p.ToString())).ToArray(),
            };
            var terminology = LocalTerminologyService.CreateDefaultForCore(resources.Resolver);
            var loaded = new Loaded(resources, new Validator(resources.Resolver, terminology, null, settings));

            loaded.CompileFirstSchemas(options);
            return loaded;
        }

        // Validating an empty instance compiles (and caches) the schemas the first real request would need.
        private void CompileFirstSchemas(ProfileValidationOptions options)
        {
            validator.Validate(new Patient());
            foreach (var (type, profiles) in options.RequiredProfiles)
            {
                if (ModelInfo.GetTypeForFhirType(type) is not { } poco || Activator.CreateInstance(poco) is not Resource empty)
                    continue;
                foreach (var profile in profiles.Where(resources.DefinesProfile))
                    validator.Validate(empty, profile);
            }
        }

        public OperationOutcome Validate(Resource resource, IReadOnlyCollection<string> profiles)
        {
            var outcome = new OperationOutcome();
            var type = resource.TypeName;

            var declared = resource.Meta?.Profile?.ToList() ?? [];
            for (var i = 0; i < declared.Count; i++)
            {
                if (declared[i] is { Length: > 0 } url && !resources.DefinesProfile(url))
                    outcome.Issue.Add(Issue(IssueSeverity.Warning, IssueType.NotSupported,
                        $"Declared profile '{url}' is unknown to this server; the resource was not checked against it.",
                        $"{type}.meta.profile[{i}]"));
            }

            foreach (var unknown in profiles.Where(p => !resources.DefinesProfile(p)))
                outcome.Issue.Add(Issue(IssueSeverity.Error, IssueType.NotSupported, $"Unknown profile '{unknown}'.", type));

            var targets = profiles.Where(resources.DefinesProfile).ToList();
            if (targets.Count == 0) targets.Add(CoreProfileBase + type);

            // Each profile's report repeats the base definition's findings: keep one of each.
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var profile in targets)
            {
                foreach (var issue in validator.Validate(resource, profile).Issue)
                {
                    Normalize(issue);
                    if (seen.Add(Key(issue))) outcome.Issue.Add(issue);
                }
            }
            if (outcome.Issue.Count == 0) // an OperationOutcome needs at least one issue
                outcome.Issue.Add(new() { Severity = IssueSeverity.Information, Code = IssueType.Informational, Diagnostics = "No issues found." });
            return outcome;
        }

        // Firely puts its message in details.text, an element trace in diagnostics, and sometimes only a location;
        // clients and the rest of the engine read diagnostics and expression.
        private static void Normalize(OperationOutcome.IssueComponent issue)
        {
            if (!string.IsNullOrEmpty(issue.Details?.Text)) issue.Diagnostics = issue.Details.Text;
            if (!issue.Expression.Any()) issue.Expression = issue.Location.ToList();
        }

        private static string Key(OperationOutcome.IssueComponent issue) =>
            $"{issue.Severity}|{issue.Code}|{issue.Details?.Text}|{issue.Diagnostics}|{string.Join(",", issue.Expression)}";

        private static OperationOutcome.IssueComponent Issue(IssueSeverity severity, IssueType code, string diagnostics, string expression) =>
            new() { Severity = severity, Code = code, Diagnostics = diagnostics, Expression = [expression] };
    }
}
