using FhirPractice.Hl7v2.Mapping.Segments;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>PPR PC1 (add), PC2 (update) and PC3 (delete problem): a problem-list Condition per PRB, with the NTEs after it. The patient is created when unknown.</summary>
internal static class ProblemListMapping
{
    public static async System.Threading.Tasks.Task MapAsync(MappingContext context, CancellationToken ct)
    {
        await PatientMapping.MapAsync(context.Require("PID"), context, updates: false, ct);
        context.Require("PRB");
        foreach (var (prb, members) in context.Groups("PRB", "PID", "PV1", "OBX", "GOL", "PTH", "ORC"))
            ProblemMapping.Map(prb, context, NoteMapping.Leading(members));
    }
}
