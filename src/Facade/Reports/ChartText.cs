using System.Text;

namespace Functional.Facade.Reports;

/// <summary>What the SVG charts share: tick steps and XML-safe text.</summary>
internal static class ChartText
{
    /// <summary>1, 2 or 5 times a power of ten at or above <paramref name="raw"/>, and the decimals a label needs.</summary>
    // The power comes from repeated ×10 and ÷10 rather than Math.Pow or Math.Log10, whose last bit may differ
    // between C runtimes.
    public static (double Step, int Decimals) NiceStep(double raw)
    {
        var (power, exponent) = (1.0, 0);
        while (power * 10 <= raw)
        {
            (power, exponent) = (power * 10, exponent + 1);
        }

        while (power > raw)
        {
            (power, exponent) = (power / 10, exponent - 1);
        }

        var f = raw / power;
        return f <= 1 + 1e-9 ? (power, Math.Max(0, -exponent))
            : f <= 2 + 1e-9 ? (2 * power, Math.Max(0, -exponent))
            : f <= 5 + 1e-9 ? (5 * power, Math.Max(0, -exponent))
            : (10 * power, Math.Max(0, -exponent - 1));
    }

    /// <summary>The text as XML character data: markup characters escaped, characters XML 1.0 forbids replaced by U+FFFD.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '"': escaped.Append("&quot;"); break;
                case '\t' or '\n' or '\r' or (>= ' ' and <= '\uD7FF') or (>= '\uE000' and <= '\uFFFD'):
                    escaped.Append(c);
                    break;
                case >= '\uD800' and <= '\uDBFF' when i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                    escaped.Append(c).Append(text[++i]);
                    break;
                default:
                    escaped.Append('\uFFFD');   // not allowed in XML 1.0 at all, even as a character reference
                    break;
            }
        }

        return escaped.ToString();
    }
}
