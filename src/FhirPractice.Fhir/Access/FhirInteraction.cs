namespace FhirPractice.Fhir.Access;

/// <summary>What a request does to resources, as the access policy judges it (the FHIR restful interactions an authorization scheme tells apart).</summary>
public enum FhirInteraction
{
    Read,
    VRead,
    /// <summary>The history of one resource.</summary>
    InstanceHistory,
    /// <summary>The history of a type, or of the whole server.</summary>
    TypeHistory,
    Search,
    Create,
    Update,
    Patch,
    Delete,
}
