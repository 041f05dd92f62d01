using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace FhirPractice.Fhir.Validation;

/// <summary>
/// Checks resources against StructureDefinitions (the core R4 ones and the practice's own in profiles/).
/// Implementations are thread-safe and meant to be shared as a singleton.
/// </summary>
public interface IProfileValidator
{
    /// <summary>Loads the specification and compiles a first schema. Returns the same task on every call;
    /// validations started before it completes wait for it.</summary>
    Task WarmUpAsync();

    /// <summary>The profiles a write of <paramref name="resource"/> is checked against:
    /// its meta.profile entries plus the profiles configured as required for its type.</summary>
    IReadOnlyCollection<string> ProfilesFor(Resource resource);

    /// <summary>Validates against each of <paramref name="profiles"/> (or the core definition of the type when
    /// none is given). A profile that cannot be resolved is an error issue. Unknown meta.profile entries
    /// are warnings; known ones are checked too.</summary>
    Task<OperationOutcome> ValidateAsync(Resource resource, IEnumerable<string> profiles, CancellationToken cancellationToken = default);

    /// <summary>What a create or update must pass: <see cref="ProfilesFor"/>, where a configured required profile
    /// that cannot be resolved is an error but a declared one is only a warning (servers commonly ignore declared
    /// profiles they do not know; refusing them would reject data other systems consider valid).</summary>
    Task<OperationOutcome> ValidateForWriteAsync(Resource resource, CancellationToken cancellationToken = default);
}
