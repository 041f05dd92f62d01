using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>NTE to Annotation (IG NTE[Observation]: NTE-3 the text, its repetitions as lines).</summary>
internal static class NoteMapping
{
    /// <summary>The notes of the NTEs that open <paramref name="segments"/> (those right after the segment they comment on).</summary>
    public static List<Annotation> Leading(IEnumerable<V2Segment> segments) =>
        segments.TakeWhile(s => s.Id == "NTE")
            .Select(nte => string.Join("\n", nte.Repetitions(3).Select(v => v[1])))                  // NTE-3
            .Where(text => text.Length > 0)
            .Select(text => new Annotation { Text = text })
            .ToList();
}
