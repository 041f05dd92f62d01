using System.Net;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Validation;

/// <summary>
/// The checks every write passes after the strict parse: no active content in narratives, and
/// conformance to the profiles that apply (those in meta.profile we hold, and the configured
/// required ones). Resources without such profiles skip the slower profile validator.
/// </summary>
public sealed class WriteValidator(IProfileValidator profiles) : IWriteValidator
{
    public async ValueTask ValidateAsync(Resource resource, CancellationToken ct)
    {
        NarrativeGuard.Check(resource);
        if (profiles.ProfilesFor(resource).Count == 0 && !HasContainedProfiles(resource)) return;
        var outcome = await profiles.ValidateForWriteAsync(resource, ct);
        if (outcome.HasErrors())
            throw new FhirError(HttpStatusCode.UnprocessableEntity, outcome);
    }

    private static bool HasContainedProfiles(Resource resource) =>
        resource is DomainResource d && d.Contained.Any(c => c.Meta?.Profile.Any() == true);
}
