using Functional.Facade;
using Functional.Facade.Data;
using Functional.Facade.Training;
using Functional.Initializers;
using Functional.Layers;
using Functional.Optimizers;
using Functional.Training;
using Functional.Unit.Tests.Optimizers;

namespace Functional.Unit.Tests.Facade;

public sealed class Chapter6FacadeTests : IDisposable
{
    private static readonly MnistData Data = Mnist.LoadEmbedded();
    private readonly string _directory = Directory.CreateTempSubdirectory("functional-ch6-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Model Net() => NetworkBuilder.Create(7, new He())
        .Affine(784, 24).BatchNorm().Tanh().Dropout(0.25)
        .Affine(24, 16).BatchNorm().LeakyRelu().Dropout(0.25)
        .Affine(16, 10).SoftmaxWithLoss().Build();

    [Fact]
    public void The_builder_makes_BatchNorm_Dropout_tanh_and_leaky_ReLU_networks()
    {
        var model = Net();
        Assert.Equal("Affine(784→24) BatchNorm Tanh Dropout(0.25) Affine(24→16) BatchNorm LeakyRelu Dropout(0.25) Affine(16→10) SoftmaxWithLoss", model.ToString());
        Assert.Contains("gamma1", model.Parameters.Keys);
        Assert.DoesNotContain("var2", model.Parameters.Keys);   // state, not a parameter: training replaces it
        Assert.Equal(["mean1", "mean2", "var1", "var2"], model.State.Keys);
    }

    [Theory]
    [InlineData("affine:3,batchnorm,relu,affine:3,relu,affine:2")]
    [InlineData("affine:3,relu,dropout:0.1,affine:3,relu,dropout:0.2,affine:2")]
    [InlineData("affine:3,dropout:0.1,relu,affine:2")]
    [InlineData("affine:3,affine:2")]
    public void Chains_the_old_template_refused_build_as_written(string spec)
    {
        var builder = NetworkBuilder.Create(1).Input(4);
        foreach (var layer in Functional.Facade.Naming.NetSpec.Parse(spec).Layers)
        {
            builder = builder.Layer(layer);
        }
        Assert.Equal(spec, builder.SoftmaxWithLoss().Build().Network.Spec);
    }

    [Fact]
    public void A_residual_block_that_changes_the_shape_is_refused_naming_it()
    {
        var builder = NetworkBuilder.Create(1).Affine(4, 3).Residual(new AffineLayer(2)).Affine(3, 2).SoftmaxWithLoss();
        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Messages.Names(error, "NetworkBuilder.Build", "residual(affine:2)", "keep the shape, [3]", "give [2]");
    }

    [Fact]
    public void Fit_with_Adam_and_a_schedule_computes_what_the_training_fold_does()
    {
        var options = new TrainingOptions(Steps: 60, BatchSize: 20, LearningRate: 0.002, Seed: 7, Optimizer: new Adam(),
            Schedule: "cosine", WeightDecay: 1e-4, ClipNorm: 10);
        var trainer = new Trainer(Net());
        trainer.Fit(Data.Train, Data.Test, options);

        var config = new TrainConfig(60, 20, 0.002, 7, optimizer: new Adam(), schedule: new CosineDecay(0.002, 60), weightDecay: 1e-4, clipNorm: 10, initializer: new He());
        var expected = TrainingRun.Run(trainer.Model.Network, Data.Train, Data.Test, config);
        Assert.Equal(expected.State.ToFloat64().Params, trainer.State.ToFloat64().Params);
        Assert.Equal(expected.State.ToFloat64().State, trainer.State.ToFloat64().State);
        Assert.Equal(expected.State.ToFloat64().Optimizer, trainer.State.ToFloat64().Optimizer);
        Assert.Equal(60, trainer.State.ToFloat64().Optimizer.Count);
    }

    [Fact]
    public void A_saved_BatchNorm_and_Dropout_model_loads_and_predicts_the_same()
    {
        var trainer = new Trainer(Net());
        trainer.Fit(Data.Train, new TrainingOptions(Steps: 30, BatchSize: 20, LearningRate: 0.01, Seed: 7, Optimizer: new Momentum()));
        var path = Path.Combine(_directory, "model.safetensors");
        trainer.Model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(trainer.Model.Network, loaded.Network);
        Assert.Equal(trainer.Model.Scores(Data.Test.Batch([0, 1, 2, 3]).X), loaded.Scores(Data.Test.Batch([0, 1, 2, 3]).X));
    }
}
