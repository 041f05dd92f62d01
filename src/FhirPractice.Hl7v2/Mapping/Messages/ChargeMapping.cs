namespace FhirPractice.Hl7v2.Mapping.Messages;

internal static class ChargeMapping
{
    public static Task MapAsync(MappingContext context, CancellationToken ct) => throw new NotImplementedException();
}
