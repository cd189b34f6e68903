using System.Text.Json.Nodes;
using Functional.Facade.Naming;
using Functional.Facade.Training;
using Functional.Networks;
using Functional.Training;

namespace Functional.Unit.Tests.Training;

public class RunConfigTests
{
    private static RunConfig Config(Precision precision) =>
        new(Network.TwoLayerNet(784, 12, 10), new TrainConfig(30, 20, precision: precision), null, "abc", 1, 0, "test");

    [Theory]
    [InlineData(Precision.Float64)]
    [InlineData(Precision.Float32)]
    public void The_precision_round_trips_through_config_json(Precision precision)
    {
        var json = Config(precision).ToJson();
        Assert.Equal(PrecisionNames.Of(precision), json["precision"]!.GetValue<string>());
        Assert.Equal(precision, RunConfig.FromJson(JsonNode.Parse(json.ToJsonString()), "config.json").Train.Precision);
    }

    [Fact]
    public void A_config_written_before_precisions_existed_reads_as_float64()
    {
        var json = Config(Precision.Float32).ToJson();
        json.Remove("precision");
        Assert.Equal(Precision.Float64, RunConfig.FromJson(json, "config.json").Train.Precision);
    }

    [Fact]
    public void An_unknown_precision_is_refused_naming_the_file_and_the_value()
    {
        var json = Config(Precision.Float64).ToJson();
        json["precision"] = "float16";
        var error = Assert.Throws<InvalidDataException>(() => RunConfig.FromJson(json, "run/config.json"));
        Assert.Contains("run/config.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("'float16'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_written_before_chapter_6_reads_as_the_plain_SGD_run_it_was()
    {
        var json = Config(Precision.Float64).ToJson();
        foreach (var field in new[] { "net", "input", "schedule", "weight_decay", "clip_norm", "init", "precision" })
        {
            Assert.True(json.Remove(field), field);
        }
        // Before layers composed, a config described its MLP by widths and activations.
        json["network"] = new JsonArray(784, 12, 10);
        json["activations"] = new JsonArray("relu");
        var config = RunConfig.FromJson(json, "config.json");
        Assert.True(config.Train.IsPlainSgd);
        Assert.Equal("normal:0.01", config.Train.Initializer.Spec);
        Assert.True(config.Network.IsPlainMlp);
        Assert.Equal(Network.TwoLayerNet(784, 12, 10), config.Network);
        Assert.Equal(Config(Precision.Float64).ToJson().ToJsonString(), config.ToJson().ToJsonString());
    }
}
