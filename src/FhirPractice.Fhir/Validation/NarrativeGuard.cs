using System.Xml;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Validation;

/// <summary>
/// Refuses narratives that could run code when a client renders them (FHIR R4 narrative rules,
/// http://hl7.org/fhir/R4/narrative.html#xhtml): active elements, event-handler attributes, script URLs,
/// DTDs and entity declarations, and anything that is not well-formed XHTML. Runs on every write, so it
/// is a denylist over one streaming read of each div, not the full XHTML validation profile validation does.
/// </summary>
public static class NarrativeGuard
{
    // Elements that run code, load or restyle content, or submit data.
    private static readonly HashSet<string> ActiveElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
        "textarea", "select", "base", "link", "meta", "style", "head", "body",
    };

    // Attributes a browser follows as a URL.
    private static readonly HashSet<string> UrlAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "href", "src", "action", "formaction", "background", "cite", "longdesc", "usemap", "data", "poster",
    };

    // data:image/svg+xml is here because an SVG document may carry its own scripts.
    private static readonly string[] ScriptSchemes = ["javascript:", "vbscript:", "data:text/html", "data:image/svg+xml"];

    private const string XhtmlNamespace = "http://www.w3.org/1999/xhtml";

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        ConformanceLevel = ConformanceLevel.Fragment,
        IgnoreComments = true,
        IgnoreWhitespace = true,
    };

    /// <summary>Throws <see cref="FhirError"/> (400) naming the first narrative that breaks the rules.</summary>
    public static void Check(Resource resource) => CheckResource(resource, resource.TypeName);

    // In R4 a Narrative is DomainResource.text or Composition.section.text, and resources nest only in
    // contained, Bundle entries and Parameters; walking just those keeps this cheap on every write.
    private static void CheckResource(Resource resource, string location)
    {
        if (resource is DomainResource domain)
        {
            CheckNarrative(domain.Text, location + ".text");
            for (var i = 0; i < domain.Contained.Count; i++) CheckResource(domain.Contained[i], $"{location}.contained[{i}]");
        }
        switch (resource)
        {
            case Composition composition:
                CheckSections(composition.Section, location + ".section");
                break;
            case Bundle bundle:
                for (var i = 0; i < bundle.Entry.Count; i++)
                    if (bundle.Entry[i].Resource is { } entry) CheckResource(entry, $"{location}.entry[{i}].resource");
                break;
            case Parameters parameters:
                CheckParameters(parameters.Parameter, location + ".parameter");
                break;
        }
    }

    private static void CheckNarrative(Narrative? narrative, string location)
    {
        if (!string.IsNullOrEmpty(narrative?.Div)) CheckDiv(narrative.Div, location + ".div");
    }

    private static void CheckSections(List<Composition.SectionComponent> sections, string location)
    {
        for (var i = 0; i < sections.Count; i++)
        {
            CheckNarrative(sections[i].Text, $"{location}[{i}].text");
            CheckSections(sections[i].Section, $"{location}[{i}].section");
        }
    }

    private static void CheckParameters(List<Parameters.ParameterComponent> parameters, string location)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Resource is { } resource) CheckResource(resource, $"{location}[{i}].resource");
            CheckParameters(parameters[i].Part, $"{location}[{i}].part");
        }
    }

    private static void CheckDiv(string div, string location)
    {
        // Named so the client learns why; the reader below would reject these as well.
        if (div.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase) || div.Contains("<!ENTITY", StringComparison.OrdinalIgnoreCase))
            throw FhirError.BadRequest("Narrative must not contain a DOCTYPE or entity declaration.", location);

        try
        {
            using var reader = XmlReader.Create(new StringReader(div), ReaderSettings);
            var hasContent = false;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.ProcessingInstruction)
                    throw FhirError.BadRequest("Narrative must not contain processing instructions.", location);
                if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA && !string.IsNullOrWhiteSpace(reader.Value))
                    hasContent = true;
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (reader.Depth == 0 && (reader.LocalName != "div" || reader.NamespaceURI != XhtmlNamespace))
                    throw FhirError.BadRequest($"A narrative is one <div> in the XHTML namespace ({XhtmlNamespace}), not <{reader.Name}>.", location);

                if (ActiveElements.Contains(reader.LocalName))
                    throw FhirError.BadRequest($"Narrative must not contain a <{reader.LocalName}> element.", location);
                if (reader.LocalName == "img" && reader.GetAttribute("src") is { Length: > 0 }) hasContent = true;
                CheckAttributes(reader, location);
            }
            // txt-2. The strict JSON parser enforces it, the XML one does not: without this an XML write could store
            // a resource that the server's own JSON parse then refuses on every XML read, search or history.
            if (!hasContent)
                throw FhirError.BadRequest("The narrative SHALL have some non-whitespace content (txt-2).", location);
        }
        catch (XmlException e)
        {
            throw FhirError.BadRequest($"Narrative is not well-formed XHTML: {e.Message}", location);
        }
    }

    private static void CheckAttributes(XmlReader reader, string location)
    {
        if (!reader.MoveToFirstAttribute()) return;
        do
        {
            var name = reader.LocalName;
            if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
                throw FhirError.BadRequest($"Narrative must not contain event-handler attributes ('{name}').", location);
            if (UrlAttributes.Contains(name) && IsScriptUrl(reader.Value))
                throw FhirError.BadRequest($"Narrative must not contain script URLs ('{name}').", location);
            if (name.Equals("style", StringComparison.OrdinalIgnoreCase) && HasScriptInStyle(reader.Value))
                throw FhirError.BadRequest("Narrative must not contain script in a style attribute.", location);
        } while (reader.MoveToNextAttribute());
        reader.MoveToElement();
    }

    // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:"), so compare without them.
    private static bool IsScriptUrl(string url)
    {
        var compact = string.Concat(url.Where(c => !char.IsWhiteSpace(c) && !char.IsControl(c)));
        return ScriptSchemes.Any(scheme => compact.StartsWith(scheme, StringComparison.OrdinalIgnoreCase));
    }

    private static bool HasScriptInStyle(string style) =>
        style.Contains("expression(", StringComparison.OrdinalIgnoreCase) || style.Contains("javascript:", StringComparison.OrdinalIgnoreCase);
}
